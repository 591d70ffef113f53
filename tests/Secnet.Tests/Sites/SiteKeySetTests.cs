using Secnet.Crypto;
using Secnet.Keys;

namespace Secnet.Tests.Sites;

/// <summary>Key sets in the exchange: we offer the peer keys we accept (MSG2/MSG3), sign with the
/// first offered key we hold, and verify with the key the peer's index names.</summary>
public class SiteKeySetTests
{
    private sealed class Held(Dictionary<KeyId, ISigningKey> keys) : IPrivateKeySource
    {
        public ISigningKey? Find(KeyId id) => keys.GetValueOrDefault(id);
    }

    private sealed class FixedSet(PeerKeySet set) : IPeerKeySource
    {
        public PeerKeySet Refresh(Action<string> siteLog) => set;
    }

    private static KeyId Id(uint g) => new(g, KeyId.Rsa1);

    /// <summary>Each side's keys: group g's key is FakeKey("SIDE-g").</summary>
    private static IPrivateKeySource Holds(string side, params uint[] groups) =>
        new Held(groups.ToDictionary(Id, g => (ISigningKey)new FakeKey($"{side}-{g}")));

    private static IPeerKeySource Accepts(string peer, params uint[] groups) =>
        new FixedSet(new PeerKeySet(1, groups.Select(g => new PeerKey(Id(g), new FakeKey($"{peer}-{g}"))).ToList()));

    [Fact]
    public void SignsWithTheFirstOfferedKeyHeldAndVerifiesByIndex()
    {
        var p = new SitePair(
            alpha: o => o with { PrivateKeys = Holds("alpha", 0xa3), PeerKeys = Accepts("bravo", 0xb1, 0xb2) },
            bravo: o => o with { PrivateKeys = Holds("bravo", 0xb2), PeerKeys = Accepts("alpha", 0xa1, 0xa2, 0xa3) });
        p.EstablishKey();
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.True(p.AlphaLog.Has("alpha<->bravo: using private key #2 000000a300"));
        Assert.True(p.BravoLog.Has("bravo<->alpha: verified peer signature with key #2 000000a300"));
        Assert.True(p.BravoLog.Has("bravo<->alpha: using private key #1 000000b200"));
        Assert.True(p.AlphaLog.Has("alpha<->bravo: verified peer signature with key #1 000000b200"));
    }

    [Fact]
    public void NoKeyOfOursOfferedGivesUp()
    {
        var p = new SitePair(
            alpha: o => o with { PrivateKeys = Holds("alpha", 0xa9) },
            bravo: o => o with { PeerKeys = Accepts("alpha", 0xa1, 0xa2) });
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.AlphaLog.Has("alpha<->bravo: no suitable private key, peer wanted 000000a100 000000a200"));
        Assert.True(p.AlphaLog.Has("error entering state SENTMSG3"));
        Assert.Null(p.Alpha.Keys.Current);
    }

    [Fact]
    public void WrongKeyForTheIndexFailsTheCheck()
    {
        // bravo believes alpha's key 000000a100 is a different key.
        var p = new SitePair(
            alpha: o => o with { PrivateKeys = Holds("alpha", 0xa1) },
            bravo: o => o with { PeerKeys = new FixedSet(new PeerKeySet(1, [new PeerKey(Id(0xa1), new FakeKey("mallory"))])) });
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.BravoLog.Has("bravo<->alpha: msg3/msg4 signature failed check! (key #0 000000a100)"));
        Assert.Null(p.Bravo.Keys.Current);
    }

    [Fact]
    public void NoPeerKeysAbandonsTheExchange()
    {
        var p = new SitePair(bravo: o => o with { PeerKeys = new FixedSet(PeerKeySet.Empty) });
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.BravoLog.Has("bravo<->alpha: no peer public keys, abandoning key setup"));
        Assert.Null(p.Alpha.Keys.Current);
    }

    /// <summary>An index beyond the list the receiver offered makes the message malformed
    /// (protocol.md §5), before any signature check.</summary>
    [Fact]
    public void KeyIndexBeyondTheOfferedListIsMalformed()
    {
        var p = new SitePair();
        p.Net.Drop = (packet, _, _) =>
        {
            // MSG3BIS: alpha's name field ends caps, mtu, list of one id, then the index.
            if (packet.Length > 32 && packet[8] == 0x13 && packet[11] == 0x13) packet[32] = 1;
            return false;
        };
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.BravoLog.Has("bravo<->alpha: msg3: malformed"));
        Assert.False(p.BravoLog.Has("signature failed check"));
        Assert.Null(p.Bravo.Keys.Current);
    }

    /// <summary>The old-style configuration stays wire-identical: the zero id offered, index 0.</summary>
    [Fact]
    public void OldStyleKeysUseTheZeroId()
    {
        var p = new SitePair();
        p.EstablishKey();
        Assert.True(p.AlphaLog.Has("alpha<->bravo: using private key #0 0000000000"));
        Assert.True(p.BravoLog.Has("bravo<->alpha: verified peer signature with key #0 0000000000"));
    }
}
