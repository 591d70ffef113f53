using Secnet.Log;

namespace Secnet.Tests.Log;

public sealed class LogFileTests : IDisposable
{
    private static readonly DateTime Pinned = new(2024, 11, 6, 9, 5, 7, DateTimeKind.Local);
    private readonly string _dir = Directory.CreateTempSubdirectory("runtime-logfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(2024, 11, 6, 9, 5, 7, "Nov  6 09:05:07 ")]
    [InlineData(2024, 1, 26, 15, 52, 51, "Jan 26 15:52:51 ")]
    [InlineData(2024, 12, 31, 23, 59, 59, "Dec 31 23:59:59 ")]
    public void TimestampIsStrftimeBeT(int y, int mo, int d, int h, int mi, int s, string expected) =>
        Assert.Equal(expected, LogText.Timestamp(new DateTime(y, mo, d, h, mi, s, DateTimeKind.Local)));

    [Fact]
    public void UnopenedLogfileWritesTimestampedLinesToFallback()
    {
        var err = new StringWriter();
        var log = new LogFile(null, LogClass.Verbose, fallback: err, now: () => Pinned);
        log.Log(LogClass.Info, "configuration file check complete");
        Assert.Equal("Nov  6 09:05:07 configuration file check complete\n", err.ToString());
    }

    [Fact]
    public void PrefixIsFollowedByASpace()
    {
        var err = new StringWriter();
        var log = new LogFile(null, LogClass.Verbose, "PFX", fallback: err, now: () => Pinned);
        log.Log(LogClass.Warning, "hello");
        Assert.Equal("Nov  6 09:05:07 PFX hello\n", err.ToString());
    }

    [Fact]
    public void ForkedChildLinesCarryPid()
    {
        var err = new StringWriter();
        var log = new LogFile(null, LogClass.Verbose, fallback: err, now: () => Pinned) { ChildPid = 42 };
        log.Log(LogClass.Notice, "x");
        Assert.Equal("Nov  6 09:05:07 [42] x\n", err.ToString());
    }

    [Fact]
    public void ClassesFilterAndEmptyClassLogsNothing()
    {
        var err = new StringWriter();
        var log = new LogFile(null, LogClass.Default, fallback: err, now: () => Pinned);
        log.Log(LogClass.Info, "dropped");
        log.Log(LogClass.Security, "kept");
        Assert.Equal("Nov  6 09:05:07 kept\n", err.ToString());
        Assert.False(log.IsEnabled(LogClass.Debug));

        var silent = new LogFile(null, LogClass.None, fallback: err, now: () => Pinned);
        silent.Log(LogClass.Fatal, "never");
        Assert.DoesNotContain("never", err.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("all-debug", LogClass.DebugConfig | LogClass.DebugPhase | LogClass.Debug)]
    [InlineData("default", LogClass.Warning | LogClass.Error | LogClass.Security | LogClass.Fatal)]
    [InlineData("verbose", LogClass.Info | LogClass.Notice | LogClass.Warning | LogClass.Error | LogClass.Security | LogClass.Fatal)]
    [InlineData("quiet", LogClass.Fatal)]
    [InlineData("security", LogClass.Security)]
    public void ClassWordsIncludeGroups(string word, LogClass expected)
    {
        Assert.True(LogClassWords.TryParse(word, out var cls));
        Assert.Equal(expected, cls);
    }

    [Fact]
    public void UnknownClassWordIsReported()
    {
        Assert.False(LogClassWords.TryParse(["info", "bogus"], out _, out var unknown));
        Assert.Equal("bogus", unknown);
    }

    [Fact]
    public void MultiLineMessagesBecomeSeveralRecordsAndLongLinesAreCut()
    {
        var err = new StringWriter();
        var log = new LogFile(null, LogClass.Verbose, fallback: err, now: () => Pinned);
        log.Log(LogClass.Info, "one\ntwo\n");
        log.Log(LogClass.Info, new string('a', 2000));
        var lines = err.ToString().Split('\n');
        Assert.Equal("Nov  6 09:05:07 one", lines[0]);
        Assert.Equal("Nov  6 09:05:07 two", lines[1]);
        Assert.Equal("Nov  6 09:05:07 ".Length + LogText.MaxLineBytes, lines[2].Length);
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public void CutNeverSplitsACharacter()
    {
        var cut = LogText.Cut(new string('\u00e9', 600));
        Assert.Equal(511, cut.Length);
    }

    [Fact]
    public void OpenedFileAppendsAndReopensAfterRename()
    {
        var path = Path.Combine(_dir, "secnet.log");
        File.WriteAllText(path, "existing\n");
        using var log = new LogFile(path, LogClass.Verbose, now: () => Pinned);
        log.Open();
        log.Log(LogClass.Notice, "before rotation");
        File.Move(path, path + ".1");
        log.Log(LogClass.Notice, "still old file");
        log.Reopen();
        log.Log(LogClass.Notice, "after rotation");

        Assert.Equal(
            "existing\nNov  6 09:05:07 before rotation\nNov  6 09:05:07 still old file\n",
            File.ReadAllText(path + ".1"));
        Assert.Equal(
            "Nov  6 09:05:07 received SIGHUP\nNov  6 09:05:07 after rotation\n",
            File.ReadAllText(path));
    }

    [Fact]
    public void FailedReopenKeepsOldFileAndSaysWhy()
    {
        var sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        var path = Path.Combine(sub, "secnet.log");
        using var log = new LogFile(path, LogClass.Verbose, now: () => Pinned);
        log.Open();
        File.Move(path, Path.Combine(_dir, "moved.log"));
        Directory.Delete(sub);
        log.Reopen();
        log.Log(LogClass.Notice, "kept");
        Assert.Equal(
            "Nov  6 09:05:07 received SIGHUP, but could not reopen logfile: No such file or directory\n" +
            "Nov  6 09:05:07 kept\n",
            File.ReadAllText(Path.Combine(_dir, "moved.log")));
    }

    [Fact]
    public void UnopenableFileIsFatalWithSecnetText()
    {
        var log = new LogFile(Path.Combine(_dir, "missing", "x.log"), LogClass.Verbose, description: "logfile (s.conf:3)");
        var e = Assert.Throws<Secnet.Runtime.SecnetFatalException>(log.Open);
        Assert.Equal(
            $"logfile (s.conf:3): cannot open \"{Path.Combine(_dir, "missing", "x.log")}\": No such file or directory",
            e.Message);
    }

    [Fact]
    public void ConcurrentWritersNeverInterleaveLines()
    {
        var path = Path.Combine(_dir, "threads.log");
        using var log = new LogFile(path, LogClass.Verbose, now: () => Pinned);
        log.Open();
        Parallel.For(0, 8, t =>
        {
            for (var i = 0; i < 200; i++)
                log.Log(LogClass.Info, $"thread {t} line {i} " + new string('x', 100));
        });
        var lines = File.ReadAllLines(path);
        Assert.Equal(1600, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^Nov  6 09:05:07 thread \d line \d+ x{100}$", l));
    }
}
