using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Comm;

/// <summary>A hub's comm hands a datagram to the one site with its destination index, without
/// asking the others; MSG1 and PROD (dest 0, claimed by names) are still offered in order.</summary>
public sealed class CommReceiversTests : IDisposable
{
    private const int Sites = 200;
    private readonly BufferPool _pool = new();
    private readonly PacketIoLoop _loop = new();
    private static readonly SocketAddress From = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 16910).Serialize();

    public void Dispose() => _loop.Dispose();

    /// <summary>Claims datagrams for its index, and MSG1/PROD only if told it is the named site;
    /// counts every offer.</summary>
    private sealed class CountingReceiver(uint index) : ICommReceiver
    {
        public int Offers;
        public int Claims;
        public bool NamedInSetup { get; init; }
        public bool Stopped { get; set; }
        public IComm? SeenOn { get; private set; }

        public uint LocalIndex => index;

        public bool TryReceive(IComm comm, PacketBuffer packet, PacketHeader header, SocketAddress source, ref string? refusal)
        {
            Interlocked.Increment(ref Offers);
            if (Stopped) return false;
            if (header.Label is MessageLabel.Msg1 or MessageLabel.Prod)
            {
                if (!NamedInSetup)
                {
                    refusal = "unknown remote name: stranger";
                    return false;
                }
            }
            else if (header.Dest != index)
            {
                return false;
            }
            SeenOn = comm;
            Interlocked.Increment(ref Claims);
            packet.Release();
            return true;
        }
    }

    private static InMemoryComm SomeComm() => new InMemoryNetwork(new ManualScheduler()).Add("192.0.2.1", 16900);

    private static CountingReceiver[] Hub(int namedAt = -1)
    {
        var sites = new CountingReceiver[Sites];
        for (int i = 0; i < Sites; i++) sites[i] = new CountingReceiver((uint)(i + 1)) { NamedInSetup = i == namedAt };
        return sites;
    }

    private static CommReceivers Register(IEnumerable<CountingReceiver> sites, IComm comm)
    {
        var table = CommReceivers.Empty;
        foreach (var s in sites) table = table.With(s, comm);
        return table;
    }

    private static byte[] Datagram(uint dest, uint label)
    {
        var d = new byte[40];
        new PacketHeader(dest, 0x55, label).Write(d);
        return d;
    }

    private PacketBuffer Buffer(byte[] datagram)
    {
        var b = _pool.Rent();
        b.CopyFrom(datagram);
        return b;
    }

    private static int TotalOffers(CountingReceiver[] sites)
    {
        int n = 0;
        foreach (var s in sites) n += Volatile.Read(ref s.Offers);
        return n;
    }

    [Fact]
    public void Msg0GoesToItsIndexAloneAndNoOtherSiteIsAsked()
    {
        var sites = Hub();
        var comm = SomeComm();
        var table = Register(sites, comm);
        Assert.True(table.Offer(Buffer(Datagram(137, MessageLabel.Msg0)), From, out _, out _, out _));
        Assert.Equal(1, sites[136].Claims);
        Assert.Same(comm, sites[136].SeenOn);
        Assert.Equal(1, TotalOffers(sites));
        // Every setup message but MSG1 is addressed by index too.
        Assert.True(table.Offer(Buffer(Datagram(200, MessageLabel.Msg3)), From, out _, out _, out _));
        Assert.Equal(1, sites[199].Claims);
        Assert.Equal(2, TotalOffers(sites));
    }

    [Theory]
    [InlineData(MessageLabel.Msg1)]
    [InlineData(MessageLabel.Prod)]
    public void Msg1AndProdAreStillOfferedInOrderUntilTheNamedSiteClaims(uint label)
    {
        var sites = Hub(namedAt: 149);
        var table = Register(sites, SomeComm());
        Assert.True(table.Offer(Buffer(Datagram(0, label)), From, out _, out _, out _));
        Assert.Equal(1, sites[149].Claims);
        for (int i = 0; i < Sites; i++) Assert.Equal(i <= 149 ? 1 : 0, sites[i].Offers);

        // Named by none: each refused it, and the reason is theirs, not the index one.
        var none = Hub();
        var all = Register(none, SomeComm());
        var b = Buffer(Datagram(0, label));
        Assert.False(all.Offer(b, From, out var h, out bool parsed, out var refusal));
        b.Release();
        Assert.True(parsed);
        Assert.Equal(label, h.Label);
        Assert.Equal("unknown remote name: stranger", refusal);
        Assert.Equal(Sites, TotalOffers(none));
    }

    [Fact]
    public void UnknownIndexIsRefusedWithTodaysReasonAskingNobody()
    {
        var sites = Hub();
        var table = Register(sites, SomeComm());
        var b = Buffer(Datagram(999, MessageLabel.Msg0));
        Assert.False(table.Offer(b, From, out var h, out bool parsed, out var refusal));
        b.Release();
        Assert.True(parsed);
        Assert.Equal(999u, h.Dest);
        Assert.Equal("not MSG1 or PROD; unknown dest index", refusal);
        Assert.Equal(0, TotalOffers(sites));

        // A comm without sites gives no reason (as before), and under a header nobody is asked.
        b = Buffer(Datagram(999, MessageLabel.Msg0));
        Assert.False(CommReceivers.Empty.Offer(b, From, out _, out parsed, out refusal));
        b.Release();
        Assert.True(parsed);
        Assert.Null(refusal);
        b = Buffer(Datagram(1, MessageLabel.Msg0)[..(PacketHeader.Length - 1)]);
        Assert.False(table.Offer(b, From, out _, out parsed, out refusal));
        b.Release();
        Assert.False(parsed);
        Assert.Null(refusal);
        Assert.Equal(0, TotalOffers(sites));
    }

    [Fact]
    public void AStoppedSiteRefusesAndTheDatagramIsUnclaimed()
    {
        var sites = Hub();
        sites[4].Stopped = true;
        var table = Register(sites, SomeComm());
        var b = Buffer(Datagram(5, MessageLabel.Msg0));
        Assert.False(table.Offer(b, From, out _, out _, out var refusal));
        b.Release();
        Assert.Equal("not MSG1 or PROD; unknown dest index", refusal);
        Assert.Equal(1, TotalOffers(sites));
    }

    [Fact]
    public void ReceiversSharingAnIndexAreAskedInRegistrationOrder()
    {
        var first = new CountingReceiver(7) { Stopped = true };
        var second = new CountingReceiver(7);
        var comm = SomeComm();
        var table = CommReceivers.Empty.With(first, comm).With(second, comm);
        Assert.True(table.Offer(Buffer(Datagram(7, MessageLabel.Msg0)), From, out _, out _, out _));
        Assert.Equal((1, 0), (first.Offers, first.Claims));
        Assert.Equal((1, 1), (second.Offers, second.Claims));
    }

    [Fact]
    public void UnregisterForgetsTheIndexAndRegisterBringsItBack()
    {
        var sites = Hub();
        var comm = SomeComm();
        var table = Register(sites, comm).Without(sites[41]);
        Assert.Equal(Sites - 1, table.Count);
        var b = Buffer(Datagram(42, MessageLabel.Msg0));
        Assert.False(table.Offer(b, From, out _, out _, out var refusal));
        b.Release();
        Assert.Equal("not MSG1 or PROD; unknown dest index", refusal);
        Assert.Equal(0, TotalOffers(sites));

        table = table.With(sites[41], comm);
        Assert.True(table.Offer(Buffer(Datagram(42, MessageLabel.Msg0)), From, out _, out _, out _));
        Assert.Equal(1, sites[41].Claims);
        Assert.Equal(1, TotalOffers(sites));
    }

    [Fact]
    public void OfferingAllocatesNothing()
    {
        var sites = Hub();
        var table = Register(sites, SomeComm());
        var msg0 = Datagram(150, MessageLabel.Msg0);
        var unknown = Datagram(999, MessageLabel.Msg0);
        var buffers = new PacketBuffer[200];
        for (int i = 0; i < buffers.Length; i++) buffers[i] = Buffer(i % 2 == 0 ? msg0 : unknown);
        table.Offer(Buffer(msg0), From, out _, out _, out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < buffers.Length; i++)
            if (!table.Offer(buffers[i], From, out _, out _, out _)) buffers[i].Release();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(101, sites[149].Claims);
    }

    private UdpComm OpenUdp(ListLog log)
    {
        var c = new UdpComm(new UdpCommOptions { Addresses = [IPAddress.Loopback], InstanceName = "udp#0@l1", Location = "t:1" }, log);
        Assert.Null(c.Open());
        c.StartReceiving(_loop);
        return c;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (!condition())
        {
            if (Environment.TickCount64 > deadline) throw new TimeoutException(what);
            Thread.Sleep(5);
        }
    }

    private static byte[] ReceiveNak(Socket peer)
    {
        peer.ReceiveTimeout = 3000;
        var buf = new byte[64];
        return buf[..peer.Receive(buf)];
    }

    [Fact]
    public void UdpCommDeliversByIndexAndNaksWhatNoSiteHas()
    {
        var log = new ListLog();
        using var comm = OpenUdp(log);
        var sites = Hub();
        foreach (var s in sites) comm.Register(s);
        using var peer = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        peer.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var to = comm.LocalEndPoints[0];

        peer.SendTo(Datagram(137, MessageLabel.Msg0), to);
        WaitUntil(() => Volatile.Read(ref sites[136].Claims) == 1, "MSG0 delivered to index 137");
        Assert.Same(comm, sites[136].SeenOn);
        Assert.Equal(1, TotalOffers(sites));

        peer.SendTo(Datagram(999, MessageLabel.Msg0), to);
        Assert.Equal(new PacketHeader(0x55, 999, MessageLabel.Nak), Header(ReceiveNak(peer)));
        Assert.True(log.Has("sending NAK for 00020200 000003e7<-00000055: not MSG1 or PROD; unknown dest index"), string.Join("\n", log.Lines));
        Assert.Equal(1, TotalOffers(sites));

        // A site a reload removed: its index is NAKed; added back, it is found again.
        comm.Unregister(sites[136]);
        peer.SendTo(Datagram(137, MessageLabel.Msg0), to);
        Assert.Equal(new PacketHeader(0x55, 137, MessageLabel.Nak), Header(ReceiveNak(peer)));
        Assert.True(log.Has("sending NAK for 00020200 00000089<-00000055: not MSG1 or PROD; unknown dest index"));
        comm.Register(sites[136]);
        peer.SendTo(Datagram(137, MessageLabel.Msg0), to);
        WaitUntil(() => Volatile.Read(ref sites[136].Claims) == 2, "MSG0 delivered after registering again");
        Assert.Equal(2, TotalOffers(sites));
        Assert.Equal(2, comm.NaksSent);
    }

    private static PacketHeader Header(byte[] datagram)
    {
        Assert.True(PacketHeader.TryParse(datagram, out var h));
        return h;
    }
}
