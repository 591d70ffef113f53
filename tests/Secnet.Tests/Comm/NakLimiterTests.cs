using Secnet.Packets;
using System.Net;
using Secnet.Comm;
using Secnet.Sites.Messages;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Comm;

public sealed class NakLimiterTests : IDisposable
{
    // The production loop, owned by the test: the comms receive on it as in the daemon.
    private readonly PacketIoLoop _loop = new();

    public void Dispose() => _loop.Dispose();

    [Fact]
    public void OnlyAParsedDatagramWithABodyThatIsNotANakDeservesOne()
    {
        var msg0 = new PacketHeader(1, 2, MessageLabel.Msg0);
        Assert.True(NakLimiter.Deserves(true, PacketHeader.Length + 1, msg0));
        Assert.False(NakLimiter.Deserves(true, PacketHeader.Length, msg0));
        Assert.False(NakLimiter.Deserves(false, 100, msg0));
        Assert.False(NakLimiter.Deserves(true, 100, new PacketHeader(1, 2, MessageLabel.Nak)));
        // What deserves none takes no token and counts as no suppressed NAK.
        var limiter = new NakLimiter(() => 0);
        for (int i = 0; i < 2 * NakLimiter.Burst; i++)
            Assert.False(limiter.TryTake(true, PacketHeader.Length, msg0, out bool started) || started);
        Assert.Equal(0, limiter.Suppressed);
        Assert.True(limiter.TryTake(true, PacketHeader.Length + 1, msg0, out _));
    }

    [Fact]
    public void BurstThenRateThenOneNoticePerSpell()
    {
        long now = 0;
        var limiter = new NakLimiter(() => now);
        for (int i = 0; i < NakLimiter.Burst; i++)
        {
            Assert.True(limiter.TryTake(out bool started));
            Assert.False(started);
        }
        Assert.False(limiter.TryTake(out bool first));
        Assert.True(first);
        Assert.False(limiter.TryTake(out bool second));
        Assert.False(second);
        Assert.Equal(2, limiter.Suppressed);

        // A tenth of a second buys PerSecond / 10 NAKs, no more.
        now += 100;
        int sent = 0;
        for (int i = 0; i < 100; i++) if (limiter.TryTake(out _)) sent++;
        Assert.Equal(NakLimiter.PerSecond / 10, sent);

        // A quiet spell refills to the burst, never beyond; the next spell gets its own notice.
        now += 60_000;
        sent = 0;
        for (int i = 0; i < 1000; i++) if (limiter.TryTake(out _)) sent++;
        Assert.Equal(NakLimiter.Burst, sent);
        Assert.False(limiter.TryTake(out bool again));
        Assert.False(again);
        now += 1000;
        Assert.True(limiter.TryTake(out _));
        for (int i = 0; i < NakLimiter.PerSecond; i++) limiter.TryTake(out _);
        Assert.False(limiter.TryTake(out bool next));
        Assert.False(next);
    }

    /// <summary>Junk from a forged source at full speed: the comm answers a burst of it and says
    /// once that it holds the rest back; the counters account for every datagram.</summary>
    [Fact]
    public void UdpCommLimitsNaksForDatagramsNoSiteClaims()
    {
        var log = new ListLog();
        using var comm = new UdpComm(new UdpCommOptions { Addresses = [IPAddress.Loopback], InstanceName = "udp#0@l1", Location = "t:1" }, log);
        Assert.Null(comm.Open());
        comm.StartReceiving(_loop);
        using var peer = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        const int Sent = 1000;
        for (int i = 0; i < Sent; i++) peer.SendTo(KexCapture.Packet11, comm.LocalEndPoints[0]);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (comm.Unclaimed < Sent && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.Equal(Sent, comm.Unclaimed);
        // The whole flood took well under a second to arrive: about one burst was answered.
        Assert.InRange(comm.NaksSent, NakLimiter.Burst, NakLimiter.Burst + 2 * NakLimiter.PerSecond);
        Assert.Equal(Sent, comm.NaksSent + comm.NaksSuppressed);
        // Logged each time limiting starts: once, or again if a loaded machine spread the flood
        // over more than the first second and the bucket refilled in between.
        int notes = log.Lines.Count(l => l.Contains("datagrams a second for no site: not sending NAKs for all of them", StringComparison.Ordinal));
        Assert.InRange(notes, 1, 3);
        comm.ReportCounters();
        Assert.True(log.Has($"datagrams for no site {Sent} ({comm.NaksSuppressed} not NAKed: rate limit)"));
    }
}
