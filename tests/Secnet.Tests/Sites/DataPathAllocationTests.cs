using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Sites;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Tests.Sites;

/// <summary>
/// Steady traffic through the production data path allocates nothing: queue, sequence numbers,
/// seal, framing, batch send, claim, open, replay window and delivery, in batches as a tun drain
/// and a recvmmsg make them, with a real transform. The wire and the netlink here allocate
/// nothing themselves, so whatever is counted is the path's.
/// </summary>
public sealed class DataPathAllocationTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(32)]
    [InlineData(40)]
    public void SteadyTrafficAllocatesNothingPerPacket(int batch)
    {
        ITransform eax = new EaxSerpentTransform(new EaxSerpentOptions());
        var clock = new ManualScheduler();
        var pool = new BufferPool();
        var alphaWire = new Wire(pool, new IPEndPoint(IPAddress.Parse("10.99.0.2"), 16910));
        var bravoWire = new Wire(pool, new IPEndPoint(IPAddress.Parse("10.99.0.1"), 16900));
        var alphaLink = new Sink();
        var bravoLink = new Sink();
        var alpha = new Site(SitePair.Options("alpha", "bravo", "[10.99.0.2]", 16910, new ListLog(), 0x10) with { Transforms = [eax] },
            1, clock, alphaLink, [alphaWire], new LiteralResolver(clock));
        var bravo = new Site(SitePair.Options("bravo", "alpha", "[10.99.0.1]", 16900, new ListLog(), 0x80) with { Transforms = [eax] },
            1, clock, bravoLink, [bravoWire], new LiteralResolver(clock));
        alphaWire.Connect(alpha, bravoWire);
        bravoWire.Connect(bravo, alphaWire);
        alpha.Start();
        bravo.Start();
        Send(pool, alpha, 1);
        for (int i = 0; i < 50 && (alpha.Keys.Current is null || bravo.Keys.Current is null); i++)
        {
            clock.Pump();
            alphaWire.Drain();
            bravoWire.Drain();
            clock.Advance(100);
        }
        Assert.NotNull(alpha.Keys.Current);
        Assert.NotNull(bravo.Keys.Current);
        // Both ways until every queue, job and buffer the path keeps has been made.
        for (int i = 0; i < 20; i++) Round(pool, alpha, bravo, alphaWire, bravoWire, batch);
        clock.Pump();
        long delivered = alphaLink.Count + bravoLink.Count;

        const int Rounds = 100;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Rounds; i++) Round(pool, alpha, bravo, alphaWire, bravoWire, batch);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(2L * Rounds * batch, alphaLink.Count + bravoLink.Count - delivered);
        Assert.Equal(0, allocated);
    }

    /// <summary>One tun drain's worth from each side, each received as one recvmmsg's worth.</summary>
    private static void Round(BufferPool pool, Site alpha, Site bravo, Wire alphaWire, Wire bravoWire, int batch)
    {
        Send(pool, alpha, batch);
        bravoWire.Drain();
        Send(pool, bravo, batch);
        alphaWire.Drain();
    }

    private static void Send(BufferPool pool, Site from, int packets)
    {
        PacketBatch.Begin();
        for (int i = 0; i < packets; i++)
        {
            var b = pool.Rent();
            b.TryAppend(1200, out var body);
            body.Clear();
            body[0] = 0x45;
            from.QueueSeal(b);
        }
        PacketBatch.End();
    }

    /// <summary>One site's socket: what it sends lands, in pooled copies, in the other's inbox,
    /// which <see cref="Drain"/> hands to that site as one receive batch.</summary>
    private sealed class Wire(BufferPool pool, IPEndPoint from) : IComm
    {
        private readonly Queue<PacketBuffer> _inbox = new(256);
        private readonly SocketAddress _from = from.Serialize();
        private Site? _owner;
        private Wire? _remote;

        public void Connect(Site owner, Wire remote)
        {
            _owner = owner;
            _remote = remote;
        }

        public void Drain()
        {
            PacketBatch.Begin();
            while (_inbox.TryDequeue(out var b))
            {
                string? refusal = null;
                if (!_owner!.TryReceive(this, b, _remote!._from, ref refusal)) b.Release();
            }
            PacketBatch.End();
        }

        public void Register(ICommReceiver receiver) { }
        public void Unregister(ICommReceiver receiver) { }
        public bool Supports(AddressFamily family) => true;

        public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
        {
            var b = pool.Rent();
            datagram.CopyTo(b.Writable);
            b.SetLength(datagram.Length);
            _remote!._inbox.Enqueue(b);
            return true;
        }

        public void SendNak(SocketAddress destination, PacketHeader offending, string reason) { }
        public string Describe(SocketAddress peer) => "wire";
    }

    private sealed class Sink : INetlinkClient
    {
        public long Count;
        public string Name => "sink";
        public void Register(ITunnelEndpoint endpoint) { }
        public void SetQuality(LinkQuality quality) { }
        public void SetMtu(int mtu) { }

        public void FromTunnel(PacketBuffer packet)
        {
            Count++;
            packet.Release();
        }
    }
}
