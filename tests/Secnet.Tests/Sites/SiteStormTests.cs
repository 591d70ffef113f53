using System.Net;
using Secnet.Comm;
using Secnet.Sites;
using Secnet.Sites.Messages;
using SiteT = Secnet.Sites.Site;

namespace Secnet.Tests.Sites;

/// <summary>
/// What the network can make a site queue for the owner thread: every kind of post it feeds is
/// bounded per site, whatever arrives and however fast, and the protocol still completes after.
/// </summary>
public class SiteStormTests
{
    private static readonly SocketAddress Spoofed = new IPEndPoint(IPAddress.Parse("10.99.0.66"), 999).Serialize();

    private static byte[] Msg1Bytes(string from, string to, byte nonce)
    {
        var m = new Msg1
        {
            Header = new PacketHeader(0, 0x77, MessageLabel.Msg1),
            SenderName = System.Text.Encoding.ASCII.GetBytes(from), ReceiverName = System.Text.Encoding.ASCII.GetBytes(to),
            SenderExtra = new NameExtra { Capabilities = 0x300 },
            Nonce = [nonce, 1, 2, 3, 4, 5, 6, 7],
        };
        var bytes = new byte[m.Length];
        m.Write(bytes);
        return bytes;
    }

    /// <summary>Offers a datagram to a site as its comm's receive thread would.</summary>
    private static bool Offer(SitePair p, SiteT site, IComm comm, byte[] datagram, SocketAddress from, out string? refusal)
    {
        var buffer = p.Net.Pool.Rent();
        buffer.CopyFrom(datagram);
        refusal = null;
        if (site.TryReceive(comm, buffer, from, ref refusal)) return true;
        buffer.Release();
        return false;
    }

    [Fact]
    public void SetupPacketsBeyondTheBoundAreCountedAndDroppedUntilTheOwnerThreadCatchesUp()
    {
        var p = new SitePair();
        int queued = p.Clock.PendingPosts;
        // A flood of forged MSG1s naming bravo's site, faster than the owner thread runs.
        for (int i = 0; i < 100; i++)
            Assert.True(Offer(p, p.Bravo, p.BravoComm, Msg1Bytes("alpha", "bravo", (byte)i), Spoofed, out _), "claimed: no NAK for it");
        Assert.Equal(SiteT.MaxQueuedSetupPackets, p.Clock.PendingPosts - queued);
        Assert.Equal(100 - SiteT.MaxQueuedSetupPackets, p.Bravo.Counters.SetupOverflow);
        Assert.Empty(p.BravoComm.NakLog);

        // Once the owner thread has taken them, the site queues again.
        p.Clock.Pump();
        Assert.Equal(0, p.Clock.PendingPosts);
        for (int i = 0; i < SiteT.MaxQueuedSetupPackets; i++)
            Assert.True(Offer(p, p.Bravo, p.BravoComm, Msg1Bytes("alpha", "bravo", (byte)(200 + i)), Spoofed, out _));
        Assert.Equal(SiteT.MaxQueuedSetupPackets, p.Clock.PendingPosts);
        Assert.Equal(100 - SiteT.MaxQueuedSetupPackets, p.Bravo.Counters.SetupOverflow);
        p.Clock.Pump();

        // The forged exchange times out (into WAIT, where bravo still answers MSG1) and the real
        // peer, whose traffic keeps asking for a key, gets one.
        for (int t = 0; t < 60 && p.Alpha.Keys.Current is null; t++)
        {
            p.SendFrom(p.Alpha, [1]);
            p.Clock.Advance(1000);
        }
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.NotNull(p.Bravo.Keys.Current);
        p.Bravo.ReportCounters();
        Assert.True(p.BravoLog.Has($"malformed 0, setup queue overflows {100 - SiteT.MaxQueuedSetupPackets}, key used up 0; state RUN, keyed"));
    }

    [Fact]
    public void UndecryptablePacketsCostTheOwnerThreadOnePostPerWave()
    {
        var p = new SitePair();
        p.EstablishKey();
        p.RestartBravo();
        int queued = p.Clock.PendingPosts;
        // MSG0s for bravo's index that bravo (restarted, no key) cannot open: anyone who knows the
        // index can send them, at any rate.
        var msg0 = new byte[60];
        new PacketHeader(p.Bravo.LocalIndex, 0x55, MessageLabel.Msg0).Write(msg0);
        long dropped = p.Bravo.Counters.Dropped;
        for (int i = 0; i < 1000; i++)
            Assert.True(Offer(p, p.Bravo, p.BravoComm, msg0, Spoofed, out _));
        Assert.Equal(1000, p.Bravo.Counters.Dropped - dropped);
        Assert.Equal(1, p.Clock.PendingPosts - queued);
        p.Clock.Pump();
        // One log line, one NAK for the wave; the next wave gets its own.
        Assert.Single(p.BravoComm.NakLog, l => l.EndsWith(": message would not decrypt", StringComparison.Ordinal));
        for (int i = 0; i < 1000; i++)
            Offer(p, p.Bravo, p.BravoComm, msg0, Spoofed, out _);
        Assert.Equal(1, p.Clock.PendingPosts);
        p.Clock.Pump();
        Assert.Equal(2, p.BravoComm.NakLog.Count(l => l.EndsWith(": message would not decrypt", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReplayedPacketsAreLoggedOncePerWave()
    {
        var p = new SitePair();
        p.EstablishKey();
        byte[]? captured = null;
        p.Net.Drop = (d, from, _) =>
        {
            if (from.Port == 16900 && PacketHeader.TryParse(d, out var h) && h.Label == MessageLabel.Msg0) captured ??= d;
            return false;
        };
        p.SendFrom(p.Alpha, [0x45, 1]);
        p.Clock.Pump();
        Assert.NotNull(captured);
        int queued = p.Clock.PendingPosts;
        var from = new IPEndPoint(IPAddress.Parse("10.99.0.1"), 16900).Serialize();
        for (int i = 0; i < 500; i++)
            Assert.True(Offer(p, p.Bravo, p.BravoComm, captured, from, out _));
        Assert.Equal(1, p.Clock.PendingPosts - queued);
        p.Clock.Pump();
        Assert.Single(p.BravoLog.Lines, l => l.Contains("(bad seq.)", StringComparison.Ordinal));
        Assert.Empty(p.BravoComm.NakLog);
    }

    /// <summary>A hub offers a stray MSG1 to every site; each refuses it with the same NAK reason,
    /// which must not be a new string per site (a flood of them would make garbage per site).</summary>
    [Fact]
    public void StrayMsg1RefusedByManySitesMakesItsReasonOnce()
    {
        var p = new SitePair();
        var hubLog = new ListLog();
        var sites = new List<SiteT>();
        for (int i = 0; i < 200; i++)
        {
            var s = new SiteT(SitePair.Options("hub", $"spoke{i}", "[10.99.0.2]", 16910, hubLog, (byte)i),
                (uint)(100 + i), p.Clock, new FakeNetlink($"l{i}"), [p.BravoComm], new LiteralResolver(p.Clock));
            s.Start();
            sites.Add(s);
        }
        p.Clock.Pump();
        var stray = Msg1Bytes("nobody", "hub", 1);
        var buffer = p.Net.Pool.Rent();
        buffer.CopyFrom(stray);
        string? refusal = null;
        Assert.False(sites[0].TryReceive(p.BravoComm, buffer, Spoofed, ref refusal));
        Assert.Equal("unknown remote name: nobody", refusal);
        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var s in sites)
            Assert.False(s.TryReceive(p.BravoComm, buffer, Spoofed, ref refusal));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("unknown remote name: nobody", refusal);
        Assert.True(allocated < 256, $"{allocated} bytes allocated refusing one MSG1 at 200 sites");
        // A different text still replaces it (0.6.7 reports the last site's reason).
        var other = Msg1Bytes("spoke3", "elsewhere", 1);
        buffer.CopyFrom(other);
        Assert.False(sites[0].TryReceive(p.BravoComm, buffer, Spoofed, ref refusal));
        Assert.Equal("unknown local name: elsewhere", refusal);
        buffer.Release();
    }

    private sealed class ConstantRandom(byte value) : Secnet.Crypto.IRandomSource
    {
        public void Fill(Span<byte> destination) => destination.Fill(value);
    }

    /// <summary>Sites that failed together (a hub restarting under its spokes) must not retry
    /// together: WAIT lasts t + (t/256)*r for a random signed byte r (0.6.7), 10.0 to 29.9 s for
    /// the default 20 s, drawn afresh each time.</summary>
    [Theory]
    [InlineData(0x80, 20000 - 78 * 128)]
    [InlineData(0xff, 20000 - 78)]
    [InlineData(0x00, 20000)]
    [InlineData(0x7f, 20000 + 78 * 127)]
    public void WaitTimeIsJitteredByARandomSignedByte(byte r, int expectedMs)
    {
        var p = new SitePair(o => o with { Random = new ConstantRandom(r) });
        p.Net.Drop = (_, from, _) => from.Port == 16900;
        p.SendFrom(p.Alpha, [1]);
        while (p.Alpha.State != SiteState.Wait) p.Clock.Advance(1);
        p.Clock.Advance(expectedMs - 1);
        Assert.Equal(SiteState.Wait, p.Alpha.State);
        p.Clock.Advance(1);
        Assert.Equal(SiteState.Run, p.Alpha.State);
    }
}
