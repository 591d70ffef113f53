using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Comm;

public sealed class UdpCommTests : IDisposable
{
    // The production loop, owned by the test: the comms receive on it as in the daemon.
    private readonly PacketIoLoop _loop = new();

    public void Dispose() => _loop.Dispose();

    [Fact]
    public void AuthbindArgumentsMatch067()
    {
        Assert.Equal(["0100007F", "0E42"], Authbind.Arguments(new IPEndPoint(IPAddress.Loopback, 16910)));
        Assert.Equal(["00000000000000000000000000000001", "0E42", "6"], Authbind.Arguments(new IPEndPoint(IPAddress.IPv6Loopback, 16910)));
    }

    [Fact]
    public void AuthbindHelperExitStatusIsReported()
    {
        var log = new ListLog();
        using var comm = new UdpComm(new UdpCommOptions { Addresses = [IPAddress.Loopback], Authbind = "false", Location = "t:1" }, log);
        Assert.Equal("authbind for [127.0.0.1]:0: false exited with error exit status 1; indicates error: Operation not permitted", comm.Open());
    }

    private UdpComm Open(ListLog log)
    {
        var c = new UdpComm(new UdpCommOptions { Addresses = [IPAddress.Loopback], InstanceName = "udp#0@l1", Location = "t:1" }, log);
        Assert.Null(c.Open());
        c.StartReceiving(_loop);
        return c;
    }

    private static byte[] WaitFor(System.Net.Sockets.Socket s, int timeoutMs = 3000)
    {
        s.ReceiveTimeout = timeoutMs;
        var buf = new byte[2048];
        int n = s.Receive(buf);
        return buf[..n];
    }

    [Fact]
    public void SocketsGetARoomyReceiveBuffer()
    {
        // Root (as in CI) may exceed rmem_max; the default of ~208 KiB overflows under a burst.
        using var comm = Open(new ListLog());
        Assert.All(comm.ReceiveBufferSizes(), size => Assert.True(size >= UdpReceiveBuffer.DefaultBytes, $"receive buffer {size}"));
    }

    [Fact]
    public void UnclaimedDatagramGetsNakButTwelveBytesDoNot()
    {
        var log = new ListLog();
        using var comm = Open(log);
        using var peer = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var to = comm.LocalEndPoints[0];
        peer.SendTo(KexCapture.Packet13, to);
        peer.SendTo(KexCapture.Packet11, to);
        Assert.Equal(KexCapture.Packet12, WaitFor(peer));
        Assert.Equal(1, comm.NaksSent);
        var port = ((IPEndPoint)peer.LocalEndPoint!).Port;
        Assert.True(log.Has($"udp#0@l1:[127.0.0.1]:{to.Port}-[127.0.0.1]:{port}: sending NAK for 00020200 00000007<-00000055: not MSG1 or PROD; unknown dest index")
            || log.Has("sending NAK for 00020200 00000007<-00000055: "));
    }

    [Fact]
    public void TwoSitesExchangeKeysAndDataOverLoopback()
    {
        var clock = new ManualScheduler();
        var la = new ListLog();
        var lb = new ListLog();
        using var ca = Open(la);
        using var cb = Open(lb);
        var linkA = new FakeNetlink("a");
        var linkB = new FakeNetlink("b");
        var a = new Secnet.Sites.Site(SitePair.Options("alpha", "bravo", $"[127.0.0.1]", cb.LocalEndPoints[0].Port, la, 1), 1, clock, linkA, [ca], new DnsResolver(clock, la));
        var b = new Secnet.Sites.Site(SitePair.Options("bravo", "alpha", $"[127.0.0.1]", ca.LocalEndPoints[0].Port, lb, 2), 1, clock, linkB, [cb], new DnsResolver(clock, lb));
        a.Start();
        b.Start();
        var pool = new BufferPool();
        var pkt = pool.Rent();
        pkt.CopyFrom([0x45, 1, 2, 3]);
        a.QueueSeal(pkt);
        var deadline = Environment.TickCount64 + 10000;
        while ((a.Keys.Current is null || b.Keys.Current is null) && Environment.TickCount64 < deadline)
        {
            clock.Pump();
            Thread.Sleep(5);
        }
        Assert.NotNull(a.Keys.Current);
        Assert.NotNull(b.Keys.Current);
        pkt = pool.Rent();
        pkt.CopyFrom([0x45, 9]);
        a.QueueSeal(pkt);
        while (linkB.Delivered.Count == 0 && Environment.TickCount64 < deadline) Thread.Sleep(5);
        Assert.Equal([0x45, 9], linkB.Delivered[0]);
        Assert.Equal(SiteState.Run, a.State);
    }
}
