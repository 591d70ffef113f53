using Secnet.Config;
using Secnet.Modules;

namespace Secnet.Tests.Config;

/// <summary>config.md §5 steps 3-6: system dictionary, log, userid, pidfile, root requirement, sites.</summary>
public sealed class ConfigCheckerTests
{
    private readonly TestRegistry _t = new();

    private const string System = "system { log test-log(); };\n";

    [Theory]
    [InlineData("a 1;\n")]
    [InlineData("system 1;\n")]
    [InlineData("system makelist();\n")]
    public void SystemMustBeADictionary(string text)
    {
        var run = _t.Check(text);
        Assert.Equal(3, run.Exit);
        Assert.Equal("secnet fatal error: configuration does not include a \"system\" dictionary", run.FirstLine);
    }

    [Fact]
    public void SystemLogIsRequired()
    {
        var run = _t.Check("system { };\n");
        Assert.Equal(3, run.Exit);
        Assert.Equal("secnet fatal error: configuration does not include a system/log facility", run.FirstLine);
    }

    [Fact]
    public void SystemLogIsFoundThroughParents() =>
        Assert.Equal(0, _t.Check("log test-log();\nsystem { };\n").Exit);

    [Fact]
    public void LogMustBeClosures()
    {
        Assert.Equal("config error (init_log, test.conf:1): item is not a closure", _t.Check("system { log \"stderr\"; };\n").FirstLine);
        Assert.Equal("config error (init_log, test.conf:2): closure is not a logger", _t.Check("system {\nlog test-hash; };\n").FirstLine);
        Assert.Equal("config error (init_log, test.conf:1): item is not a closure", _t.Check("system { log test-log(), 7; };\n").FirstLine);
    }

    [Fact]
    public void SeveralLoggersFanOut()
    {
        var root = _t.Root("system { log test-log(), test-log(); };\n");
        var system = ConfigChecker.ReadSystem(root, []);
        Assert.Equal(2, system.LogClosures.Count);
        system.Log.Log(Secnet.Log.LogClass.Warning, "hello");
        Assert.All(system.LogClosures, c => Assert.Equal(["hello"], ((CapturingLog)c.Value!).Lines));
    }

    [Fact]
    public void UseridAndPidfileAreRead()
    {
        var root = _t.Root("system { log test-log(); userid \"root\"; pidfile \"/run/x.pid\"; };\n");
        var system = ConfigChecker.ReadSystem(root, []);
        Assert.Equal(0u, system.User!.Value.Uid);
        Assert.Equal("/run/x.pid", system.PidFile);
    }

    [Fact]
    public void UnknownUseridIsFatal()
    {
        var run = _t.Check("system { log test-log(); userid \"no-such-user-secnet-test\"; };\n");
        Assert.Equal(3, run.Exit);
        Assert.Equal("secnet fatal error: userid \"no-such-user-secnet-test\" not found", run.FirstLine);
    }

    [Fact]
    public void SystemTypeErrorsAreLocatedAtTheSystemDictionary()
    {
        Assert.Equal("config error (system, test.conf:3): \"userid\" must be a string", _t.Check("system {\nlog test-log(); userid 1;\n};\n").FirstLine);
        Assert.Equal("config error (system, test.conf:2): \"pidfile\" must be a string", _t.Check("system { log test-log();\npidfile yes; };\n").FirstLine);
    }

    [Fact]
    public void RootRequiringFeaturesNeedARootUserid()
    {
        var root = _t.Root("system { log test-log(); userid \"nobody\"; };\n");
        string[] features = ["netlink: soft routes"];
        var e = Assert.Throws<ConfigFileException>(() => ConfigChecker.ReadSystem(root, features, _ => new UserAccount("nobody", 65534, 65534)));
        Assert.Equal(3, e.ExitCode);
        Assert.Equal("secnet fatal error: the configured feature \"netlink: soft routes\" requires that secnet retain root privileges while running.", e.Lines[0]);
        Assert.NotNull(ConfigChecker.ReadSystem(root, features, _ => new UserAccount("root", 0, 0)).User);
        Assert.Null(ConfigChecker.ReadSystem(_t.Root(System), features).User);
    }

    [Fact]
    public void MissingOrEmptySitesIsOnlyAWarning()
    {
        foreach (var text in new[] { System, System + "sites makelist();\n" })
        {
            var run = _t.Check(text);
            Assert.Equal(0, run.Exit);
            Assert.Equal(["secnet: configuration key \"sites\" is missing; no remote sites are defined"], run.Lines);
        }
    }

    [Fact]
    public void SitesMustBeSiteClosuresWithALocationFallback()
    {
        Assert.Equal("config error (system, test.conf:3): non-closure in site list", _t.Check(System + "s test-site();\nsites s, 1;\n").FirstLine);
        Assert.Equal("config error (system, test.conf:2): non-site closure in site list", _t.Check(System + "sites test-hash;\n").FirstLine);
    }

    [Fact]
    public void SitesAreReturnedUnderTheConfiguredKey()
    {
        var root = _t.Root(System + "vpn test-site(), test-site();\n");
        var ctx = new ModuleContext(new CapturingLog(), true);
        var result = ConfigChecker.Check(root, ctx, "vpn");
        Assert.Equal(2, result.Sites.Count);
        Assert.All(result.Sites, s => Assert.Equal(ClosureType.Site, s.Type));
    }
}
