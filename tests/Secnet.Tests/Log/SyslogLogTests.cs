using System.Net.Sockets;
using System.Text;
using Secnet.Log;

namespace Secnet.Tests.Log;

public sealed class SyslogLogTests : IDisposable
{
    private static readonly DateTime Pinned = new(2024, 11, 6, 9, 5, 7, DateTimeKind.Local);
    private readonly string _dir = Directory.CreateTempSubdirectory("runtime-syslog-").FullName;
    private readonly Socket _listener;

    public SyslogLogTests()
    {
        _listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.ReceiveTimeout = 5000;
    }

    private string SocketPath => Path.Combine(_dir, "log");

    public void Dispose()
    {
        _listener.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Receive()
    {
        var buffer = new byte[4096];
        var n = _listener.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    [Theory]
    [InlineData(LogClass.Debug, "<31>")]
    [InlineData(LogClass.DebugConfig, "<31>")]
    [InlineData(LogClass.Info, "<30>")]
    [InlineData(LogClass.Notice, "<29>")]
    [InlineData(LogClass.Warning, "<28>")]
    [InlineData(LogClass.Error, "<27>")]
    [InlineData(LogClass.Security, "<26>")]
    [InlineData(LogClass.Fatal, "<24>")]
    public void OpenedSyslogSendsGlibcFormatWithPriority(LogClass cls, string pri)
    {
        Assert.True(SyslogFacility.TryParse("daemon", out var daemon));
        using var log = new SyslogLog("vpn", daemon, () => LogClass.Quiet, SocketPath, now: () => Pinned);
        log.Open();
        log.Log(cls, "hello world");
        Assert.Equal($"{pri}Nov  6 09:05:07 vpn: hello world", Receive());
    }

    [Fact]
    public void DefaultIdentAndPidOption()
    {
        Assert.True(SyslogFacility.TryParse("local3", out var local3));
        using var log = new SyslogLog(null, local3, () => LogClass.Quiet, SocketPath, now: () => Pinned) { IncludePid = true };
        log.Open();
        log.Log(LogClass.Notice, "x");
        Assert.Equal($"<157>Nov  6 09:05:07 secnet[{Environment.ProcessId}]: x", Receive());
    }

    [Fact]
    public void EveryFacilityWordIsKnown()
    {
        foreach (var word in "auth authpriv cron daemon kern local0 local1 local2 local3 local4 local5 local6 local7 lpr mail news syslog user uucp".Split(' '))
            Assert.True(SyslogFacility.TryParse(word, out _), word);
        Assert.False(SyslogFacility.TryParse("ftp", out _));
    }

    [Fact]
    public void UnopenedSyslogPrintsPlainLinesFilteredByCommandLineLevel()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var log = new SyslogLog(null, 3 << 3, () => LogClass.Default, SocketPath, stdout, stderr);
        log.Log(LogClass.Info, "filtered out");
        log.Log(LogClass.Warning, "to stderr");
        Assert.Equal("", stdout.ToString());
        Assert.Equal("to stderr\n", stderr.ToString());

        using var verbose = new SyslogLog(null, 3 << 3, () => LogClass.Verbose, SocketPath, stdout, stderr);
        verbose.Log(LogClass.Info, "configuration file check complete");
        Assert.Equal("configuration file check complete\n", stdout.ToString());
    }

    [Fact]
    public void MissingSyslogDaemonDropsLinesLikeGlibc()
    {
        using var log = new SyslogLog(null, 3 << 3, () => LogClass.Quiet, Path.Combine(_dir, "absent"));
        log.Open();
        log.Log(LogClass.Error, "nobody listens");
        Assert.True(log.IsEnabled(LogClass.Debug));
    }

    [Fact]
    public void LogSetFansOutToEveryMember()
    {
        var a = new StringWriter();
        var b = new StringWriter();
        var set = new LogSet([
            new LogFile(null, LogClass.Info, fallback: a, now: () => Pinned),
            new LogFile(null, LogClass.Error, fallback: b, now: () => Pinned),
        ]);
        Assert.True(set.IsEnabled(LogClass.Info));
        Assert.False(set.IsEnabled(LogClass.Debug));
        set.Log(LogClass.Info, "i");
        set.Log(LogClass.Error, "e");
        Assert.Equal("Nov  6 09:05:07 i\n", a.ToString());
        Assert.Equal("Nov  6 09:05:07 e\n", b.ToString());
    }
}
