using System.Net.Sockets;
using System.Text;
using Secnet.Config;
using Secnet.Log;
using Secnet.Modules;
using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public class RuntimeModulesTests
{
    private static ConfigDict Load(string text, ModuleContext? context = null) =>
        ConfigLoader.LoadBytes("t.conf", Encoding.UTF8.GetBytes(text), ModuleRegistry.CreateDefault(),
            context ?? new ModuleContext(new LogFile(null, LogClass.None), justCheck: true));

    private static object Value(ConfigDict root, string key) => ((ClosureItem)root.Find(key)!.Value[0]).Value!;

    private static string Error(string text) => Assert.Throws<ConfigException>(() => Load(text)).Message;

    [Fact]
    public void LogfileReadsItsKeys()
    {
        var root = Load("l logfile { filename \"/tmp/x\"; prefix \"P\"; class \"info\", \"all-debug\"; };");
        var log = Assert.IsType<LogFile>(Value(root, "l"));
        Assert.Equal("/tmp/x", log.Filename);
        Assert.Equal("P", log.Prefix);
        Assert.Equal(LogClass.Info | LogClass.AllDebug, log.Classes);
        Assert.Equal("logfile (t.conf:1)", log.Description);
    }

    [Theory]
    [InlineData("l logfile(1);", "config error (logfile, t.conf:1): argument must be a dictionary")]
    [InlineData("l logfile { filename 1; class \"bogus\"; };", "config error (logfile, t.conf:1): \"filename\" must be a string")]
    [InlineData("l logfile { prefix 1; class \"bogus\"; };", "config error (logfile, t.conf:1): \"prefix\" must be a string")]
    [InlineData("l logfile { class \"bogus\"; };", "config error (logfile, t.conf:1): option \"bogus\" not known")]
    [InlineData("s syslog(1);", "config error (syslog, t.conf:1): parameter must be a dictionary")]
    [InlineData("s syslog { };", "config error (syslog, t.conf:1): required parameter \"facility\" not found")]
    [InlineData("s syslog {\n facility \"ftp\";\n};", "config error (syslog, t.conf:3): option \"ftp\" not known")]
    [InlineData("b sysbuffer(\"x\");", "config error (buffer, t.conf:1): first parameter must be a number (buffer size)")]
    [InlineData("b sysbuffer { lockdown yes; };", "config error (buffer, t.conf:1): first parameter must be a number (buffer size)")]
    [InlineData("b sysbuffer(63);", "config error (buffer, t.conf:1): ludicrously small buffer size")]
    [InlineData("b sysbuffer(131073);", "config error (buffer, t.conf:1): ludicrously large buffer size")]
    [InlineData("b sysbuffer(1, 1);", "config error (buffer, t.conf:1): ludicrously small buffer size")]
    [InlineData("b sysbuffer(64, 1);", "config error (buffer, t.conf:1): second parameter must be a dictionary")]
    [InlineData("b sysbuffer(64, { lockdown 1; });", "config error (buffer, t.conf:1): \"lockdown\" must be a boolean")]
    public void ErrorsMatchSecnet(string text, string expected) => Assert.Equal(expected, Error(text));

    [Fact]
    public void SysbufferDefaultsAndLimits()
    {
        var root = Load("a sysbuffer(); b sysbuffer(64); c sysbuffer(131072, { lockdown yes; });");
        Assert.Equal(4096, ((SysBuffer)Value(root, "a")).Size);
        Assert.Equal(64, ((SysBuffer)Value(root, "b")).Size);
        var c = (SysBuffer)Value(root, "c");
        Assert.Equal(131072, c.Size);
        Assert.True(c.Lockdown);
    }

    [Fact]
    public void SyslogIdentAndFacility()
    {
        var root = Load("s syslog { ident \"vpn\"; facility \"local2\"; };");
        var log = Assert.IsType<SyslogLog>(Value(root, "s"));
        Assert.Equal("vpn", log.Ident);
        Assert.Equal(18 << 3, log.Facility);
    }

    [Fact]
    public void SdNotifySendsReadyToTheNotifySocket()
    {
        var path = Path.Combine(Path.GetTempPath(), $"runtime-notify-{Environment.ProcessId}-{Guid.NewGuid():N}");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            Assert.True(SdNotify.Notify("READY=1", path));
            var buffer = new byte[64];
            listener.ReceiveTimeout = 5000;
            Assert.Equal("READY=1", Encoding.UTF8.GetString(buffer, 0, listener.Receive(buffer)));
            Assert.False(SdNotify.Notify("READY=1", ""));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
