using Secnet.Keys;
using Secnet.Log;

namespace Secnet.Tests.Keys;

public class PeerKeySetParserTests
{
    private static PeerKeySet Parse(string text)
    {
        var r = PeerKeySetParser.Parse(text, "F");
        Assert.True(r.Set is not null, string.Join("\n", r.Messages));
        return r.Set!;
    }

    private static string Ids(PeerKeySet set) => string.Join(" ", set.Keys.Select(k => k.Id.ToString()));

    [Fact]
    public void ReadsWhatMakeSecnetSitesWrites()
    {
        var set = Parse(KeySetText.Set("00000002", "5dc36a47"));
        Assert.Equal(2u, set.Serial);
        Assert.Equal("5dc36a4700", Ids(set));
        Assert.True(set.Keys[0].Key is Secnet.Crypto.RsaPublicKey);
    }

    [Fact]
    public void NoSerialIsSerialZeroAndKeysBeforeAnyPkgAreGroupZero()
    {
        var set = Parse(KeySetText.Pub + "\n");
        Assert.Equal(0u, set.Serial);
        Assert.Equal("0000000000", Ids(set));
    }

    /// <summary>NOTES: at least four keys honoured, later ones discarded; 0.6.7 offers four.</summary>
    [Fact]
    public void OnlyTheFirstFourKeysAreKept()
    {
        var set = Parse(KeySetText.Set("00000001", "a0000001", "a0000002", "a0000003", "a0000004", "a0000005"));
        Assert.Equal("a000000100 a000000200 a000000300 a000000400", Ids(set));
    }

    /// <summary>What 0.6.7 offered for these sets (tests/e2e/peer-keys.sh, observed): a fallback
    /// group counts only when no key came before it.</summary>
    [Theory]
    [InlineData("a0000001 f:a0000002 a0000003 f:a0000004", "a000000100 a000000300")]
    [InlineData("f:b0000001 f:b0000002 b0000003", "b000000100 b000000300")]
    [InlineData("f:00000000 11223344", "0000000000 1122334400")]
    [InlineData("f:a0000001 f:a0000002", "a000000100")]
    public void FallbackGroupsCountOnlyFirst(string groups, string offered) =>
        Assert.Equal(offered, Ids(Parse(KeySetText.Set("00000001", groups.Split(' ')))));

    [Fact]
    public void OneKeyPerGroupAndAlgorithm()
    {
        var set = Parse($"pkg 01020304\n{KeySetText.Pub}\n{KeySetText.Pub}\npkg 05060708\n{KeySetText.Pub}\n");
        Assert.Equal("0102030400 0506070800", Ids(set));
    }

    [Fact]
    public void UnknownDirectivesAndAlgorithmsAreSkipped()
    {
        var set = Parse($"frobnicate 1 2 3\n\nserial 00000003\npkg 01020304\npub dsa1 AAAA\n{KeySetText.Pub}\n");
        Assert.Equal("0102030400", Ids(set));
    }

    [Theory]
    [InlineData("serial 0001\n", "0001", 1)]
    [InlineData("pkg 5dc36a47 extra\n", " extra", 1)]
    [InlineData("serial 00000001\npkgf 5dc36a4\n", "5dc36a4", 2)]
    [InlineData("pkg xyzxyzxy\n", "xyzxyzxy", 1)]
    [InlineData("pub rsa1\n", "end of line", 1)]
    public void BadSyntaxRejectsTheWholeFile(string bad, string at, int line)
    {
        var r = PeerKeySetParser.Parse(bad + KeySetText.Set("", "01020304"), "F~proc");
        Assert.Null(r.Set);
        Assert.Contains((LogClass.Debug, $"pubkeys syntax error at `{at}'"), r.Messages);
        Assert.Contains((LogClass.Error, $"F~proc:{line}: syntax error"), r.Messages);
    }

    [Fact]
    public void TrailingWordsAfterPubAreASyntaxError()
    {
        var r = PeerKeySetParser.Parse(KeySetText.Pub + " trailing\n", "F");
        Assert.Null(r.Set);
        Assert.Contains((LogClass.Debug, "pubkeys syntax error at ` trailing'"), r.Messages);
    }

    [Fact]
    public void AFileWithoutUsableKeysIsRejected()
    {
        var r = PeerKeySetParser.Parse("serial 00000001\npkg 01020304\npub rsa1 Zm9v\n", "F");
        Assert.Null(r.Set);
        Assert.Contains((LogClass.Error, "end of pubkey data looking for public exponent"), r.Messages);
        Assert.Contains((LogClass.Error, "no useable keys in F"), r.Messages);
        Assert.Null(PeerKeySetParser.Parse("serial 00000001\n", "F").Set);
    }

    [Fact]
    public void WireIdsAreTheKeptIdsInOrder()
    {
        var set = Parse(KeySetText.Set("00000001", "5dc36a47", "f:00000000"));
        Assert.Equal("5dc36a4700", Convert.ToHexStringLower(set.WireIds()));
    }
}
