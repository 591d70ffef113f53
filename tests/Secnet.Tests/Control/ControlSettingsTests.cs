using System.Net;
using Secnet.Config;
using Secnet.Control;
using Secnet.Tests.Config;

namespace Secnet.Tests.Control;

/// <summary>The system keys control-socket, control-socket-group and metrics-listen.</summary>
public sealed class ControlSettingsTests
{
    private readonly TestRegistry _t = new();

    private ControlSettings Read(string keys) =>
        ConfigChecker.ReadSystem(_t.Root("system { log test-log();\n" + keys + "};\n"), []).Control;

    [Fact]
    public void DefaultIsTheRunDirectorySocketAndNoListener()
    {
        var c = Read("");
        Assert.Equal("/run/secnet/secnet.sock", c.SocketPath);
        Assert.False(c.PathConfigured);
        Assert.Null(c.GroupId);
        Assert.Null(c.MetricsListen);
    }

    [Fact]
    public void KeysAreRead()
    {
        var c = Read("control-socket \"/run/x/ctl\"; control-socket-group \"root\"; metrics-listen \"[::1]:9474\";\n");
        Assert.Equal("/run/x/ctl", c.SocketPath);
        Assert.True(c.PathConfigured);
        Assert.Equal(0u, c.GroupId);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9474), c.MetricsListen);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9474), Read("metrics-listen \"127.0.0.1:9474\";\n").MetricsListen);
    }

    [Fact]
    public void AnEmptyPathTurnsTheSocketOff()
    {
        var c = Read("control-socket \"\";\n");
        Assert.Null(c.SocketPath);
        Assert.True(c.PathConfigured);
    }

    [Theory]
    [InlineData("control-socket \"relative/ctl\";", "control-socket must be an absolute path")]
    [InlineData("control-socket-group \"no-such-group-secnet-test\";", "group \"no-such-group-secnet-test\" not found")]
    [InlineData("metrics-listen \"9474\";", "metrics-listen \"9474\" is not address:port")]
    [InlineData("metrics-listen \"127.0.0.1\";", "metrics-listen \"127.0.0.1\" is not address:port")]
    [InlineData("metrics-listen \"localhost:9474\";", "metrics-listen \"localhost:9474\" is not address:port")]
    [InlineData("metrics-listen \"127.0.0.1:0\";", "metrics-listen \"127.0.0.1:0\" is not address:port")]
    public void ErrorsNameTheFileLineAndKey(string keys, string text)
    {
        var run = _t.Check("system { log test-log();\n" + keys + "\n};\n");
        Assert.Equal(8, run.Exit);
        Assert.StartsWith("config error (system, test.conf:2): ", run.FirstLine, StringComparison.Ordinal);
        Assert.Contains(text, run.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public void TooLongAPathIsRefused()
    {
        var run = _t.Check("system { log test-log();\ncontrol-socket \"/" + new string('x', 120) + "\";\n};\n");
        Assert.Equal(8, run.Exit);
        Assert.Contains("longer than 107 bytes", run.FirstLine, StringComparison.Ordinal);
    }
}
