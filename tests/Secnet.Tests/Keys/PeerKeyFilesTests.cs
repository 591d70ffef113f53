using Secnet.Keys;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Keys;

/// <summary>The update protocol of NOTES.peer-keys: F (live), F~update (from the manager),
/// F~proc (being processed by secnet).</summary>
public sealed class PeerKeyFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("peerkeys").FullName;
    private readonly ListLog _log = new();
    private readonly List<string> _siteLines = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string F => Path.Combine(_dir, "peer.bravo");

    private PeerKeyFiles Files()
    {
        var files = new PeerKeyFiles(F, _log);
        files.LoadLive();
        return files;
    }

    private PeerKeySet Refresh(PeerKeyFiles files) => files.Refresh(_siteLines.Add);

    private static string Ids(PeerKeySet set) => string.Join(" ", set.Keys.Select(k => k.Id.ToString()));

    [Fact]
    public void MissingLiveFileIsLoggedAndLeavesNoKeys()
    {
        var files = Files();
        Assert.True(_log.Has($"could not open keyset file {F}: No such file or directory"));
        Assert.Equal(0, Refresh(files).Count);
        Assert.Empty(_siteLines);
    }

    [Fact]
    public void UpdateIsInstalledOverNoLiveFile()
    {
        var files = Files();
        File.WriteAllText(F + "~update", KeySetText.Set("00000002", "5dc36a47"));
        var set = Refresh(files);
        Assert.Equal("5dc36a4700", Ids(set));
        Assert.Equal([$"keys from {F}~proc (update) are newer, installing"], _siteLines);
        Assert.True(File.Exists(F));
        Assert.False(File.Exists(F + "~update"));
        Assert.False(File.Exists(F + "~proc"));
        Assert.Same(set, Refresh(files));
    }

    [Fact]
    public void LiveFileIsReadAtStartup()
    {
        File.WriteAllText(F, KeySetText.Set("00000002", "01020304"));
        var files = Files();
        Assert.Equal("0102030400", Ids(files.Current));
        Assert.Same(files.Current, Refresh(files));
    }

    [Theory]
    [InlineData("00000003", "00000002", true)]
    [InlineData("00000002", "00000002", false)]
    [InlineData("00000001", "00000002", false)]
    [InlineData("", "00000002", false)]
    [InlineData("00000001", "", true)]
    public void UpdateReplacesLiveOnlyIfNewer(string update, string live, bool installed)
    {
        File.WriteAllText(F, KeySetText.Set(live, "01020304"));
        var files = Files();
        File.WriteAllText(F + "~update", KeySetText.Set(update, "05060708"));
        var set = Refresh(files);
        Assert.Equal(installed ? "0506070800" : "0102030400", Ids(set));
        Assert.Equal([$"keys from {F}~proc (update) are {(installed ? "newer, installing" : "older, discarding")}"], _siteLines);
        Assert.False(File.Exists(F + "~proc"));
        Assert.False(File.Exists(F + "~update"));
        Assert.Contains(installed ? "pkg 05060708" : "pkg 01020304", File.ReadAllText(F));
    }

    /// <summary>0.6.7 (observed): a bad F~proc stays where it is and the live set stays in force.</summary>
    [Fact]
    public void BadUpdateKeepsTheLiveSetAndStays()
    {
        File.WriteAllText(F, KeySetText.Set("00000002", "01020304"));
        var files = Files();
        File.WriteAllText(F + "~update", "serial 0003\n" + KeySetText.Set("", "05060708"));
        Assert.Equal("0102030400", Ids(Refresh(files)));
        Assert.True(_log.Has($"{F}~proc:1: syntax error"));
        Assert.True(File.Exists(F + "~proc"));
        Assert.Empty(_siteLines);
    }

    /// <summary>A waiting F~proc is processed before a newer F~update is looked at; the update
    /// is taken at the next exchange.</summary>
    [Fact]
    public void WaitingProcGoesFirstThenUpdate()
    {
        var files = Files();
        File.WriteAllText(F + "~proc", KeySetText.Set("00000002", "01020304"));
        File.WriteAllText(F + "~update", KeySetText.Set("00000003", "05060708"));
        Assert.Equal("0102030400", Ids(Refresh(files)));
        Assert.True(File.Exists(F + "~update"));
        Assert.Equal("0506070800", Ids(Refresh(files)));
        Assert.False(File.Exists(F + "~update"));
    }

    /// <summary>An exchange keeps the set it took even when a newer one is installed meanwhile.</summary>
    [Fact]
    public void SnapshotsAreImmutable()
    {
        File.WriteAllText(F, KeySetText.Set("00000002", "01020304"));
        var files = Files();
        var held = Refresh(files);
        File.WriteAllText(F + "~update", KeySetText.Set("00000003", "05060708", "090a0b0c"));
        var next = Refresh(files);
        Assert.Equal("0102030400", Ids(held));
        Assert.Equal("0506070800 090a0b0c00", Ids(next));
    }
}
