using Secnet.Tools.KeyGen;

namespace Secnet.Tests.Tools.KeyGen;

/// <summary>
/// secnet-keygen's file handling (issue 16): keys are created owner-only, never through a
/// symlink, and -y leaves no trace of the old file's mode.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class KeyFileTests : IDisposable
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Directory.CreateTempSubdirectory("keygen-files-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static (int Exit, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = KeyGenCommand.Run(args, stdout, stderr);
        return (exit, stderr.ToString());
    }

    [Fact]
    public void NewKeyIsOwnerOnlyAndPublicHalfWorldReadable()
    {
        var key = PathOf("key");
        Assert.Equal(0, Run("-b", "1024", "-f", key).Exit);
        Assert.Equal(Private, File.GetUnixFileMode(key));
        Assert.Equal(Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(key + ".pub"));
    }

    [Fact]
    public void OverwritingAWorldReadableFileLeavesAnOwnerOnlyKey()
    {
        var key = PathOf("key");
        File.WriteAllText(key, "old");
        File.SetUnixFileMode(key, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Equal(0, Run("-b", "1024", "-y", "-f", key).Exit);
        Assert.Equal(Private, File.GetUnixFileMode(key));
        Assert.NotEqual("old", File.ReadAllText(key));
    }

    [Fact]
    public void OverwriteReplacesASymlinkInsteadOfWritingThroughIt()
    {
        var victim = PathOf("victim");
        File.WriteAllText(victim, "precious");
        File.SetUnixFileMode(victim, Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var key = PathOf("key");
        File.CreateSymbolicLink(key, victim);
        File.CreateSymbolicLink(key + ".pub", victim);
        Assert.Equal(0, Run("-b", "1024", "-y", "-f", key).Exit);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Null(new FileInfo(key).LinkTarget);
        Assert.Null(new FileInfo(key + ".pub").LinkTarget);
        Assert.Equal(Private, File.GetUnixFileMode(key));
    }

    [Fact]
    public void ADanglingSymlinkIsRefusedNotFollowed()
    {
        var target = PathOf("elsewhere");
        var key = PathOf("key");
        File.CreateSymbolicLink(key, target);
        var (exit, err) = Run("-b", "1024", "-f", key);
        Assert.Equal(1, exit);
        Assert.Contains("already exists", err, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public void CreationRefusesWhatAppearsAtThePath()
    {
        // The exclusive create itself, for a file that turns up after the existence check.
        var key = PathOf("late");
        File.CreateSymbolicLink(key, PathOf("late-target"));
        Assert.False(KeyFileWriter.TryWrite(key, "x"u8, Private, overwrite: false, out var error));
        Assert.Contains("File exists", error, StringComparison.Ordinal);
        Assert.False(File.Exists(PathOf("late-target")));
    }

    [Fact]
    public void NoTemporaryFileIsLeftBehind()
    {
        var key = PathOf("key");
        Assert.Equal(0, Run("-b", "1024", "-f", key).Exit);
        Assert.Equal(0, Run("-b", "1024", "-y", "-f", key).Exit);
        Assert.Equal(["key", "key.pub"], Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
