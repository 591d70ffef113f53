using System.Net;
using System.Net.Sockets;
using System.Text;
using Secnet.Control;
using Secnet.Log;
using Secnet.Modules;
using Secnet.Runtime;
using Secnet.Tools.Ctl;

namespace Secnet.Tests.Control;

/// <summary>The control socket and metrics listener on real sockets, answered by a running event
/// loop, and secnet-ctl's exit statuses against them.</summary>
public sealed class ControlServerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("secnet-ctl-test").FullName;
    private readonly EventLoop _loop = new();
    private readonly Thread _loopThread;
    private readonly ModuleContext _modules = new(new NullLog(), justCheck: false);

    public ControlServerTests()
    {
        _loopThread = new Thread(_loop.Run) { IsBackground = true };
        _loopThread.Start();
    }

    public void Dispose()
    {
        _loop.Stop();
        _loopThread.Join();
        Directory.Delete(_dir, recursive: true);
    }

    private static UnixFileMode Mode(string path) =>
        OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException() : File.GetUnixFileMode(path);

    private string Sock => Path.Combine(_dir, "sub", "ctl.sock");

    private ControlServer Open()
    {
        var server = ControlServer.Open(Sock, null, new ControlCommands(_modules).Execute);
        server.Start(_loop, "test control");
        return server;
    }

    private (int Exit, string Out, string Err) Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int rc = CtlCommand.Run(["-s", Sock, .. args], stdout, stderr);
        return (rc, stdout.ToString(), stderr.ToString());
    }

    private static string Raw(string path, byte[] request)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(path));
        s.Send(request);
        var reply = new MemoryStream();
        var buf = new byte[4096];
        int n;
        while ((n = s.Receive(buf)) > 0) reply.Write(buf, 0, n);
        return Encoding.UTF8.GetString(reply.ToArray());
    }

    [Fact]
    public void SocketIsMadeWithItsDirectoryAndMode0600AndRemovedOnDispose()
    {
        using (Open())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, Mode(Sock));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
                | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute, Mode(Path.GetDirectoryName(Sock)!));
        }
        Assert.False(File.Exists(Sock));
    }

    [Fact]
    public void GroupMakesItMode0660()
    {
        uint gid = (uint)Secnet.Interop.Libc.GetGid();
        using var server = ControlServer.Open(Sock, gid, new ControlCommands(_modules).Execute);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, Mode(Sock));
    }

    [Fact]
    public void CommandsAnswerThroughTheClient()
    {
        using var server = Open();
        var (rc, output, _) = Ctl("version");
        Assert.Equal(CtlExit.Ok, rc);
        Assert.Contains("protocol 1", output, StringComparison.Ordinal);
        (rc, output, _) = Ctl("status");
        Assert.Equal(CtlExit.Ok, rc);
        Assert.Equal("no running sites\n", output);
        (rc, output, _) = Ctl("status", "--json");
        Assert.Equal(CtlExit.Ok, rc);
        Assert.Contains("\"sites\": []", output, StringComparison.Ordinal);
        (rc, output, _) = Ctl("metrics");
        Assert.Equal(CtlExit.Ok, rc);
        Assert.Contains("secnet_sites 0\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void EachFailureHasItsExitStatus()
    {
        Assert.Equal(CtlExit.NotRunning, Ctl("status").Exit);
        using (Open())
        {
            var (rc, _, err) = Ctl("status", "nosuch");
            Assert.Equal(CtlExit.UnknownSite, rc);
            Assert.Contains("no running site called \"nosuch\"", err, StringComparison.Ordinal);
            Assert.Equal(CtlExit.UnknownSite, Ctl("rekey", "nosuch").Exit);
            (rc, _, err) = Ctl("reload");
            Assert.Equal(CtlExit.ReloadUnsupported, rc);
            Assert.Contains("reload not supported", err, StringComparison.Ordinal);
            Assert.Equal(CtlExit.Usage, Ctl("frobnicate").Exit);
            Assert.Equal(CtlExit.Usage, Ctl("rekey").Exit);
            Assert.Equal(CtlExit.Usage, Ctl("status", "a", "b").Exit);
            Assert.Equal(CtlExit.Usage, Ctl().Exit);
        }
        // A socket nobody listens on any more (a daemon killed with -9 leaves one).
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(Sock));
        Assert.Equal(CtlExit.NotRunning, Ctl("status").Exit);
    }

    [Fact]
    public void ReloadReportsTheReloadersOutcome()
    {
        var reloader = new FakeReloader { Loop = _loop };
        _modules.Set<IConfigReloader>(reloader);
        using var server = Open();
        reloader.Outcome = new ReloadOutcome(true, ["site delta added"]);
        var (rc, output, _) = Ctl("reload");
        Assert.Equal(CtlExit.Ok, rc);
        Assert.Equal("site delta added\n", output);
        Assert.True(reloader.OnLoopThread);
        reloader.Outcome = new ReloadOutcome(false, ["config error (site, secnet.conf:12): bad key"]);
        string err;
        (rc, output, err) = Ctl("reload");
        Assert.Equal(CtlExit.ReloadFailed, rc);
        Assert.Equal("config error (site, secnet.conf:12): bad key\n", output);
        Assert.Contains("refused", err, StringComparison.Ordinal);
    }

    private sealed class FakeReloader : IConfigReloader
    {
        public ReloadOutcome Outcome { get; set; } = new(true, []);
        public bool OnLoopThread { get; private set; }
        public EventLoop? Loop { get; set; }

        public ReloadOutcome Reload()
        {
            OnLoopThread = Loop!.IsOwnerThread;
            return Outcome;
        }
    }

    [Fact]
    public void ALiveSocketIsNotTakenOverAndAStaleOneIsReplaced()
    {
        using (Open())
        {
            var e = Assert.Throws<IOException>(() => ControlServer.Open(Sock, null, _ => ControlResponse.Success("")));
            Assert.Contains("in use", e.Message, StringComparison.Ordinal);
        }
        // What a daemon killed with -9 leaves (a .NET socket would remove its file when disposed).
        using (var p = System.Diagnostics.Process.Start("python3", ["-c", "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", Sock]))
            p.WaitForExit();
        Assert.True(File.Exists(Sock));
        using (Open())
            Assert.Equal(CtlExit.Ok, Ctl("version").Exit);
        File.WriteAllText(Sock, "not a socket");
        var notSocket = Assert.Throws<IOException>(() => ControlServer.Open(Sock, null, _ => ControlResponse.Success("")));
        Assert.Contains("not a socket", notSocket.Message, StringComparison.Ordinal);
        Assert.Equal("not a socket", File.ReadAllText(Sock));
    }

    [Fact]
    public void BadAndOversizedRequestsGetAnErrorLine()
    {
        using var server = Open();
        Assert.StartsWith("secnet-ctl 1 error unsupported-version ", Raw(Sock, "secnet-ctl 9 status\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.StartsWith("secnet-ctl 1 error unknown-command ", Raw(Sock, "secnet-ctl 1 frob\n"u8.ToArray()), StringComparison.Ordinal);
        Assert.StartsWith("secnet-ctl 1 error bad-request ", Raw(Sock, "GET / HTTP/1.0\r\n\r\n"u8.ToArray()), StringComparison.Ordinal);
        var big = Encoding.ASCII.GetBytes("secnet-ctl 1 status " + new string('x', 2000) + "\n");
        Assert.StartsWith("secnet-ctl 1 error bad-request no request line", Raw(Sock, big), StringComparison.Ordinal);
        // The server goes on answering after all that.
        Assert.Equal(CtlExit.Ok, Ctl("version").Exit);
    }

    [Fact]
    public void ASilentClientIsDroppedAfterTheRequestTimeout()
    {
        using var server = Open();
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(Sock));
        var started = Environment.TickCount64;
        var buf = new byte[512];
        s.ReceiveTimeout = 10_000;
        int n = s.Receive(buf);
        long waited = Environment.TickCount64 - started;
        Assert.StartsWith("secnet-ctl 1 error bad-request", Encoding.ASCII.GetString(buf, 0, n), StringComparison.Ordinal);
        Assert.InRange(waited, BoundedSocketServer.RequestTimeoutMs - 100, BoundedSocketServer.RequestTimeoutMs + 3000);
    }

    [Fact]
    public void MetricsListenerServesGetMetricsOnly()
    {
        var commands = new ControlCommands(_modules);
        using var http = MetricsHttpServer.Open(new IPEndPoint(IPAddress.Loopback, 0), commands.Metrics);
        http.Start(_loop, "test metrics");
        var at = (IPEndPoint)http.LocalEndPoint;
        string Get(string request)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(at);
            s.Send(Encoding.ASCII.GetBytes(request));
            var reply = new MemoryStream();
            var buf = new byte[4096];
            int n;
            while ((n = s.Receive(buf)) > 0) reply.Write(buf, 0, n);
            return Encoding.UTF8.GetString(reply.ToArray());
        }
        var ok = Get("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.0 200 OK\r\n", ok, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n", ok, StringComparison.Ordinal);
        var body = ok[(ok.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n", ok, StringComparison.Ordinal);
        Assert.Contains("secnet_sites 0\n", body, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 404 ", Get("GET / HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 405 ", Get("POST /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.0 400 ", Get("hello\r\n\r\n"), StringComparison.Ordinal);
        var head = Get("HEAD /metrics HTTP/1.0\r\n\r\n");
        Assert.StartsWith("HTTP/1.0 200 OK\r\n", head, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", head, StringComparison.Ordinal);
    }

    private sealed class NullLog : ILog
    {
        public bool IsEnabled(LogClass cls) => false;
        public void Log(LogClass cls, string message) { }
    }
}
