using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Keys;

public class SigningKeyChoiceTests
{
    private sealed class Held(params uint[] groups) : IPrivateKeySource
    {
        public ISigningKey? Find(KeyId id) => groups.Contains(id.Group) ? new FakeKey(id.ToString()) : null;
    }

    private static List<KeyId> Wants(params uint[] groups) => groups.Select(g => new KeyId(g, KeyId.Rsa1)).ToList();

    [Fact]
    public void FirstOfferedKeyWeHoldSigns()
    {
        Assert.True(SigningKeyChoice.TryChoose(Wants(1, 2, 3), new Held(3, 2), out int index, out var key));
        Assert.Equal(1, index);
        Assert.NotNull(key);
    }

    [Fact]
    public void OnlyTheFirstFourOfferedCount()
    {
        Assert.False(SigningKeyChoice.TryChoose(Wants(1, 2, 3, 4, 5), new Held(5), out int index, out _));
        Assert.Equal(-1, index);
    }

    [Fact]
    public void LocalKeyIsTheLegacyIdOnly()
    {
        var legacy = new LegacyPrivateKey(new FakeKey("alpha"));
        Assert.NotNull(legacy.Find(KeyId.Legacy));
        Assert.Null(legacy.Find(new KeyId(1, KeyId.Rsa1)));
        Assert.True(SigningKeyChoice.TryChoose(Wants(7, 0), legacy, out int index, out _));
        Assert.Equal(1, index);
    }
}
