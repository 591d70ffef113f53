using System.Text.RegularExpressions;
using Secnet.Comm;
using Secnet.Config;
using Secnet.Log;
using Secnet.Packets;
using Secnet.Runtime;

namespace Secnet.Tests.Comm;

/// <summary>
/// The monitor process end to end without sockets: lines are applied in order on the event loop,
/// bad lines warn, and EOF or bad output ends the loop with secnet's fatal text (never a hang).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PolypathMonitorProcessTests
{
    private static (PolypathTestLog Log, SecnetFatalException Fatal) RunUntilFatal(string scriptBody)
    {
        var dir = Path.Combine(Path.GetTempPath(), "polypath-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        try
        {
            var script = PolypathFakeMonitor.WriteScript(dir, "monitor", scriptBody);
            return RunUntilFatal([script]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static (PolypathTestLog Log, SecnetFatalException Fatal) RunUntilFatal(IReadOnlyList<string> command)
    {
        var log = new PolypathTestLog();
        var loop = new EventLoop();
        var options = new PolypathOptions { Port = 0, MonitorCommand = command, Location = new Location("t", 1) };
        using var packets = new PacketIoLoop();
        using var comm = new PolypathComm(options, log, loop, new BufferPool(), packets);
        loop.Post(comm.StartMonitor);
        var run = Task.Run(loop.Run);
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(15)), "event loop did not stop");
        var fatal = Assert.IsType<SecnetFatalException>(run.Exception?.InnerException);
        return (log, fatal);
    }

    [Fact]
    public void LinesAreProcessedThenEofIsFatal()
    {
        var (log, fatal) = RunUntilFatal(
            "printf '+4 lo 127.0.0.1\\n+9 eth0 192.0.2.1\\n-6 tun0 2001:db8::1\\n+4 eth0 224.0.0.1\\n+4 eth0 nonsense\\n'\nexec >&-\nsleep 10\n");
        Assert.Equal("polypath (t:1): unexpected EOF from interface monitor", fatal.Message);
        var lines = log.Lines;
        Assert.Matches(new Regex(@"^polypath \(t:1\): polypath: spawning interface monitor \(no privsep\) \[pid \d+\]$"), lines[0].Text);
        Assert.Equal(
            [
                (LogClass.Info, "polypath (t:1): ignoring lo [127.0.0.1]: unwanted interface name"),
                (LogClass.Warning, "polypath (t:1): error processing polypath state change: bad proto (while processing `+9 eth0 192.0.2.1')"),
                (LogClass.Info, "polypath (t:1): ignoring eth0 [224.0.0.1]: IPv4 address is multicast"),
                (LogClass.Warning, "polypath (t:1): error processing polypath state change: adns_text2addr (while processing `+4 eth0 nonsense'): Invalid argument"),
            ],
            lines.Skip(1).ToList());
    }

    [Fact]
    public void OverlongLineIsBadOutput()
    {
        var (_, fatal) = RunUntilFatal($"printf '+4 eth0 {new string('x', 200)}'\nsleep 10\n");
        Assert.Equal("polypath (t:1): bad output from interface monitor: input line too long", fatal.Message);
    }

    [Fact]
    public void LongestLineThatFitsIsStillALine()
    {
        // 162 characters plus the newline fill secnet's 163-byte buffer exactly.
        var line = "+4 eth0 " + new string('x', 154);
        var (log, fatal) = RunUntilFatal($"printf '{line}\\n'\nexec >&-\nsleep 10\n");
        Assert.Equal("polypath (t:1): unexpected EOF from interface monitor", fatal.Message);
        Assert.Contains(log.Lines, l => l.Text.EndsWith($"(while processing `{line}'): Invalid argument", StringComparison.Ordinal));
    }

    [Fact]
    public void NulIsBadOutput()
    {
        var (_, fatal) = RunUntilFatal("printf '+4 eth0\\0001.2.3.4\\n'\nsleep 10\n");
        Assert.Equal("polypath (t:1): bad output from interface monitor: nul in input data", fatal.Message);
    }

    [Fact]
    public void MonitorThatDiesIsFatal()
    {
        var (_, fatal) = RunUntilFatal("exit 3\n");
        // Like secnet: the exit status if the monitor is already reaped when EOF is handled.
        Assert.Matches(new Regex(@"^polypath \(t:1\): (interface monitor exited with error exit status 3|unexpected EOF from interface monitor)$"), fatal.Message);
    }

    [Fact]
    public void MissingMonitorIsFatal()
    {
        var (_, fatal) = RunUntilFatal(["/nonexistent/polypath-monitor"]);
        Assert.Equal("polypath (t:1): cannot execute /nonexistent/polypath-monitor: No such file or directory", fatal.Message);
    }
}
