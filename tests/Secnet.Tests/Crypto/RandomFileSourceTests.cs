using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public sealed class RandomFileSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asymcrypto-random-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadsRegularFilesSequentially()
    {
        string path = RepoPaths.Vector("kex-example", "alpha.random");
        byte[] expected = File.ReadAllBytes(path);
        Assert.True(RandomFileSource.TryOpen(path, blocking: false, out RandomFileSource? source, out string? error), error);
        using (source)
        {
            byte[] nonce = new byte[8];
            byte[] secret = new byte[128];
            source!.Fill(nonce);
            source.Fill(secret);
            Assert.Equal(expected[..8], nonce);
            Assert.Equal(expected[8..136], secret);
            Assert.False(source.Blocking);
        }
    }

    [Fact]
    public void ReadsDevices()
    {
        Assert.True(RandomFileSource.TryOpen("/dev/urandom", blocking: true, out RandomFileSource? source, out _));
        using (source)
        {
            byte[] buffer = new byte[4096];
            source!.Fill(buffer);
            Assert.True(source.Blocking);
            Assert.Contains(buffer, b => b != 0);
        }
    }

    [Fact]
    public void MissingFileGivesStrerror()
    {
        string path = Path.Combine(_dir, "none");
        Assert.False(RandomFileSource.TryOpen(path, false, out RandomFileSource? source, out string? error));
        Assert.Null(source);
        Assert.Equal($"cannot open {path}: No such file or directory", error);
        Assert.False(RandomFileSource.TryOpen("/etc/passwd/x", false, out _, out error));
        Assert.Equal("cannot open /etc/passwd/x: Not a directory", error);
    }

    [Fact]
    public void RunningOutOfDataIsFatal()
    {
        string path = Path.Combine(_dir, "short");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.True(RandomFileSource.TryOpen(path, false, out RandomFileSource? source, out _));
        using (source)
        {
            Assert.Throws<IOException>(() => source!.Fill(new byte[4]));
        }
    }
}
