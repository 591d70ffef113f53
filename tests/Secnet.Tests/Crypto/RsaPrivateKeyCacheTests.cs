using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Tests.Sites;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

/// <summary>priv-cache: keys by id from PREFIX + 10 hex digits, the last few ids remembered,
/// missing keys included.</summary>
public sealed class RsaPrivateKeyCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("privcache").FullName;
    private readonly ListLog _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Prefix => Path.Combine(_dir, "priv.");

    private void Install(string id) => File.Copy(RepoPaths.Vector("kex-example", "bravo.key"), Prefix + id, overwrite: true);

    private static KeyId Id(uint group) => new(group, KeyId.Rsa1);

    [Fact]
    public void FindsKeysNamedByTheirId()
    {
        Install("5dc36a4700");
        var cache = new RsaPrivateKeyCache(Prefix, 5, 4095, _log);
        Assert.NotNull(cache.Find(Id(0x5dc36a47)));
        Assert.Null(cache.Find(Id(0x5dc36a48)));
        Assert.True(_log.Has($"private key {Prefix}5dc36a4800 not found"));
    }

    [Fact]
    public void RemembersHitsAndMissesUpToItsSize()
    {
        Install("0000000100");
        var cache = new RsaPrivateKeyCache(Prefix, 2, 4095, _log);
        var key = cache.Find(Id(1));
        Assert.Null(cache.Find(Id(2)));
        Assert.Equal(2, cache.Loads);
        Assert.Same(key, cache.Find(Id(1)));
        Assert.Null(cache.Find(Id(2)));
        Assert.Equal(2, cache.Loads);

        // A key installed after its id was missed (a rollover done out of order) is found at
        // the next look-up: the negative entry only stands while the file is absent.
        Install("0000000200");
        Assert.NotNull(cache.Find(Id(2)));
        Assert.Equal(3, cache.Loads);
        Assert.NotNull(cache.Find(Id(2)));
        Assert.Equal(3, cache.Loads);
        Assert.Equal(1, _log.Lines.Count(l => l.Contains("0000000200 not found", StringComparison.Ordinal)));
    }

    [Fact]
    public void LeastRecentlyUsedGoesFirst()
    {
        Install("0000000100");
        Install("0000000200");
        var cache = new RsaPrivateKeyCache(Prefix, 2, 4095);
        var one = cache.Find(Id(1));
        cache.Find(Id(2));
        cache.Find(Id(1));
        cache.Find(Id(3)); // evicts 2, the least recently used
        Assert.Equal(3, cache.Loads);
        Assert.Same(one, cache.Find(Id(1)));
        Assert.Equal(3, cache.Loads);
        cache.Find(Id(2));
        Assert.Equal(4, cache.Loads);
    }

    [Fact]
    public void FilesLargerThanPrivkeyMaxAreRefused()
    {
        Install("0000000100");
        Assert.Null(new RsaPrivateKeyCache(Prefix, 2, 100, _log).Find(Id(1)));
        Assert.True(_log.Has("is larger than privkey-max (100)"));
    }
}
