using Secnet.Tests.TestSupport;
using Secnet.Comm;
using Secnet.Config;
using Secnet.Modules;
using Secnet.Tests.Config;

namespace Secnet.Tests.Comm;

/// <summary>
/// The <c>polypath</c> closure's keys and errors (config.md §4.4). <c>logfile</c> and
/// <c>sysbuffer</c> belong to other modules; while they are not registered, stand-ins of the right
/// closure types take their place.
/// </summary>
public class PolypathModuleTests
{
    private static ModuleRegistry Registry()
    {
        var r = ModuleRegistry.CreateDefault();
        if (!r.Contains("logfile"))
            r.Register("logfile", _ => [new ClosureItem("logfile", ClosureType.Log, new CapturingLog())]);
        if (!r.Contains("sysbuffer"))
            r.Register("sysbuffer", _ => [new ClosureItem("sysbuffer", ClosureType.Buffer, new Secnet.Runtime.SysBuffer(4096, false))]);
        return r;
    }

    private static ConfigRun Check(string body) =>
        ConfigRun.CheckText("system { log logfile { class \"verbose\"; }; };\nc polypath {\n" + body + "\n};\n", Registry());

    private static void AssertError(string body, string expected)
    {
        var run = Check(body);
        Assert.True(run.Exit == 8, string.Join('\n', run.Lines));
        Assert.Equal(expected, run.FirstLine);
    }

    [Fact]
    public void CorpusBadPattern()
    {
        var path = Path.Combine(RepoPaths.Vector("config"), "bad-polypath-pattern.conf");
        var run = ConfigRun.LoadText(File.ReadAllText(path), Registry(), "bad-polypath-pattern.conf");
        Assert.Equal(8, run.Exit);
        Assert.Equal("config error (polypath, bad-polypath-pattern.conf:2): invalid interface name pattern `-eth0'", run.FirstLine);
    }

    [Fact]
    public void GoodConfigurationMakesACommClosure()
    {
        var run = ConfigRun.LoadText(
            "c polypath { port 40001; buffer sysbuffer(); interfaces \"!eth1\", \"@wl*\", \"+eth*\";"
            + " monitor-command \"/bin/true\", \"-x\"; max-interfaces 2; permit-loopback True; };\n", Registry());
        Assert.True(run.Exit == 0, string.Join('\n', run.Lines));
        var item = Assert.IsType<ClosureItem>(TestRegistry.Value(run.Root!, "c")[0]);
        Assert.Equal(ClosureType.Comm, item.Type);
        var comm = Assert.IsType<PolypathComm>(item.Value);
        Assert.Equal(40001, comm.Options.Port);
        Assert.Equal(2, comm.Options.MaxInterfaces);
        Assert.True(comm.Options.PermitLoopback);
        Assert.Equal(["/bin/true", "-x"], comm.Options.MonitorCommand);
        Assert.Equal("polypath (test.conf:1)", comm.LogPrefix);
    }

    [Fact]
    public void NotADictionary()
    {
        var run = ConfigRun.CheckText("c polypath(\"x\");\n", Registry());
        Assert.Equal(8, run.Exit);
        Assert.Equal("config error (polypath, test.conf:1): first argument must be a dictionary", run.FirstLine);
    }

    [Fact]
    public void EmptyMonitorCommandListIsInvisibleSoTheDefaultApplies()
    {
        // An empty list value is invisible to lookups (config.md §2.7): the Debian default is used.
        var run = ConfigRun.LoadText("c polypath { buffer sysbuffer(); monitor-command makelist(); };\n", Registry());
        Assert.True(run.Exit == 0 || !File.Exists(PolypathOptions.DebianMonitorCommand), string.Join('\n', run.Lines));
        if (run.Exit != 0)
            Assert.Equal("config error (polypath, test.conf:1): no polypath interface monitor-command (polypath unsupported on this platform?)", run.FirstLine);
    }

    [Theory]
    [InlineData("port 1;", "config error (udp, test.conf:4): required parameter \"buffer\" not found")]
    [InlineData("buffer 1;", "config error (udp, test.conf:4): \"buffer\" must be a closure")]
    [InlineData("buffer sysbuffer(); authbind 1; port \"x\";", "config error (udp, test.conf:4): \"authbind\" must be a string")]
    [InlineData("buffer sysbuffer(); port \"x\";", "config error (udp, test.conf:4): \"port\" must be a number")]
    [InlineData("buffer sysbuffer(); max-interfaces \"x\";", "config error (polypath, test.conf:4): \"max-interfaces\" must be a number")]
    [InlineData("buffer sysbuffer(); interfaces 1;", "config error (polypath, test.conf:3): \"interfaces\" entry must be a string")]
    [InlineData("buffer sysbuffer(); interfaces \"!x\", \"%y\";", "config error (polypath, test.conf:4): invalid interface name pattern `%y'")]
    [InlineData("buffer sysbuffer(); monitor-command 1;", "config error (polypath, test.conf:3): \"monitor-command\" entry must be a string")]
    [InlineData("buffer sysbuffer(); permit-loopback 1;", "config error (polypath, test.conf:4): \"permit-loopback\" must be a boolean")]
    public void KeyErrors(string body, string expected) => AssertError(body, expected);
}
