using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>The userv-ipif child against a fake userv (python3) that records how it was started
/// and, depending on its mode file, confirms, echoes the SLIP stream back, injects bytes or dies.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UservIpifChildTests : IDisposable
{
    internal const string FakeUserv = """
        #!/usr/bin/env python3
        import json, os, sys, time
        d = os.path.dirname(os.path.abspath(__file__))
        mode = open(os.path.join(d, 'mode')).read().strip()
        info = {'argv': sys.argv, 'pid': os.getpid(), 'sid': os.getsid(0),
                'fds': sorted(int(f) for f in os.listdir('/proc/self/fd'))}
        with open(os.path.join(d, 'info.tmp'), 'w') as f:
            json.dump(info, f)
        os.rename(os.path.join(d, 'info.tmp'), os.path.join(d, 'info.json'))
        if mode == 'eof':
            sys.exit(0)
        if mode == 'bad-confirm':
            os.write(1, b'A')
            time.sleep(10)
            sys.exit(0)
        os.write(1, b'\xc0')
        inject = os.path.join(d, 'inject.bin')
        if os.path.exists(inject):
            os.write(1, open(inject, 'rb').read())
        if mode == 'exit3':
            sys.exit(3)
        with open(os.path.join(d, 'received.bin'), 'ab', buffering=0) as rec:
            while True:
                data = os.read(0, 4096)
                if not data:
                    break
                rec.write(data)
                os.write(1, data)
        """;

    private readonly string _dir;
    private readonly string _userv;
    private readonly BufferPool _pool = new();
    private readonly BlockingCollection<byte[]> _received = new();
    private readonly ConcurrentQueue<string> _fatal = new();
    private readonly ManualResetEventSlim _fatalSeen = new();
    private readonly TunDeviceTests.RecordingLog _log = new();

    public UservIpifChildTests()
    {
        _dir = Directory.CreateTempSubdirectory("devices-userv-").FullName;
        _userv = Path.Combine(_dir, "fake-userv");
        File.WriteAllText(_userv, FakeUserv.Replace("\r", ""));
        File.SetUnixFileMode(_userv, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        _received.Dispose();
        _fatalSeen.Dispose();
    }

    private UservIpifChild NewChild(string mode, byte[]? inject = null)
    {
        File.WriteAllText(Path.Combine(_dir, "mode"), mode);
        if (inject is not null) File.WriteAllBytes(Path.Combine(_dir, "inject.bin"), inject);
        return new UservIpifChild("netlink-userv-ipif", _pool, 2048, p =>
        {
            _received.Add(p.Data.ToArray());
            p.Release();
        }, m =>
        {
            _fatal.Enqueue(m);
            _fatalSeen.Set();
        }, _log);
    }

    private IReadOnlyList<string> Arguments(string? path = null) => UservIpifArguments.Build(path ?? _userv,
        "svcuser", "svcname", IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), 1400,
        ["198.51.100.0/24", "203.0.113.0/29"]);

    private JsonElement Info()
    {
        var path = Path.Combine(_dir, "info.json");
        for (var i = 0; i < 100 && !File.Exists(path); i++) Thread.Sleep(50);
        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }

    private byte[] NextPacket()
    {
        Assert.True(_received.TryTake(out var packet, 10_000), "no packet from the child");
        return packet;
    }

    [Fact]
    public void ChildGetsSecnetsArgvItsOwnSessionAndNoExtraFileDescriptors()
    {
        using var child = NewChild("echo");
        child.Start(Arguments());
        var info = Info();

        Assert.Equal([_userv, "svcuser", "svcname", "192.0.2.1,192.0.2.2,1400,slip", "198.51.100.0/24,203.0.113.0/29"],
            info.GetProperty("argv").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(child.Pid, info.GetProperty("pid").GetInt32());
        Assert.Equal(child.Pid, info.GetProperty("sid").GetInt32());
        // 0, 1, 2 and the directory listing /proc/self/fd itself.
        Assert.All(info.GetProperty("fds").EnumerateArray(), fd => Assert.InRange(fd.GetInt32(), 0, 3));

        Assert.Contains((LogClass.Info, $"netlink-userv-ipif: about to invoke: {_userv} svcuser svcname " +
            "192.0.2.1,192.0.2.2,1400,slip 198.51.100.0/24,203.0.113.0/29"), _log.Lines);
        Assert.Contains((LogClass.Info, $"netlink-userv-ipif: userv-ipif pid is {child.Pid}"), _log.Lines);
    }

    [Fact]
    public void PacketsGoBothWaysWithEndAndEscEscaped()
    {
        using var child = NewChild("echo");
        child.Start(Arguments());
        byte[][] packets = [[0x45, 0xC0, 0xDB, 0x00, 0xC0], [0xDB], Enumerable.Range(0, 1500).Select(i => (byte)i).ToArray()];
        foreach (var data in packets)
        {
            var buffer = _pool.Rent();
            buffer.CopyFrom(data);
            child.ToChild(buffer);
        }
        foreach (var data in packets) Assert.Equal(data, NextPacket());

        var onWire = File.ReadAllBytes(Path.Combine(_dir, "received.bin"));
        Assert.Equal(new byte[] { 0xC0, 0x45, 0xDB, 0xDC, 0xDB, 0xDD, 0x00, 0xDB, 0xDC, 0xC0, 0xC0, 0xDB, 0xDD, 0xC0 },
            onWire[..14]);
        child.Shutdown();
        Assert.Empty(_fatal);
    }

    [Fact]
    public void GarbageFromTheChildIsCountedAndDropped()
    {
        byte[] inject = [0xC0, 0x01, 0xDB, 0x99, 0x02, 0xC0, 0xC0, 0x45, 0x46, 0xC0];
        using var child = NewChild("echo", inject);
        child.Start(Arguments());
        Assert.Equal(new byte[] { 0x45, 0x46 }, NextPacket());
        Assert.Equal(1, child.BadEscapes);
        Assert.Equal(1, child.FramesReceived);
        Assert.Contains((LogClass.Warning, "userv_afterpoll: bad SLIP escape character, dropping packet"), _log.Lines);
    }

    [Fact]
    public void ChildExitingWhileRunningIsFatalWithItsStatus()
    {
        using var child = NewChild("exit3");
        child.Start(Arguments());
        Assert.True(_fatalSeen.Wait(10_000));
        Assert.Equal("netlink-userv-ipif: userv exited with error exit status 3", Assert.Single(_fatal));
    }

    [Fact]
    public void ChildKilledBySignalIsFatalWithTheSignalName()
    {
        using var child = NewChild("echo");
        child.Start(Arguments());
        Secnet.Interop.Libc.Kill(child.Pid, Secnet.Interop.Libc.SIGKILL);
        Assert.True(_fatalSeen.Wait(10_000));
        Assert.Equal("netlink-userv-ipif: userv died due to fatal signal Killed (9)", Assert.Single(_fatal));
    }

    [Fact]
    public void ShutdownTerminatesTheChildSilently()
    {
        using var child = NewChild("echo");
        child.Start(Arguments());
        child.Shutdown();
        Assert.NotNull(child.ExitStatus);
        Assert.Equal(Secnet.Interop.Libc.SIGTERM, child.ExitStatus!.Value.Signal);
        Assert.Empty(_fatal);
        Assert.DoesNotContain(_log.Lines, l => l.Class == LogClass.Warning);
    }

    [Fact]
    public void WrongConfirmationByteIsFatal()
    {
        using var child = NewChild("bad-confirm");
        var e = Assert.Throws<IOException>(() => child.Start(Arguments()));
        Assert.Equal("netlink-userv-ipif: bad confirmation byte 65 from userv-ipif", e.Message);
    }

    [Fact]
    public void EndOfFileInsteadOfConfirmationIsFatal()
    {
        using var child = NewChild("eof");
        var e = Assert.Throws<IOException>(() => child.Start(Arguments()));
        Assert.Equal("netlink-userv-ipif: unexpected EOF instead of confirmation byte - userv ipif failed?", e.Message);
    }

    [Fact]
    public void MissingProgramFailsLikeAChildThatCouldNotExec()
    {
        using var child = NewChild("echo");
        var e = Assert.Throws<IOException>(() => child.Start(Arguments(Path.Combine(_dir, "no-such-userv"))));
        Assert.Equal("netlink-userv-ipif: unexpected EOF instead of confirmation byte - userv ipif failed?", e.Message);
    }

    [Fact]
    public void WritesAfterTheChildHasGoneAreErrorsNotExceptions()
    {
        using var child = NewChild("exit3");
        child.Start(Arguments());
        Assert.True(_fatalSeen.Wait(10_000));
        var buffer = _pool.Rent();
        buffer.CopyFrom([1, 2, 3]);
        child.ToChild(buffer);
        Assert.Equal(1, child.WriteFailures);
        Assert.Contains((LogClass.Error, "slip: write() (packet(s) lost): Broken pipe"), _log.Lines);
    }
}
