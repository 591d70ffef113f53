using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Comm;

/// <summary>UDP segmentation and GRO over loopback inside the test process: whatever the sender
/// groups, every receiver must see the sender's individual datagrams, byte-exact and in order.</summary>
public sealed class UdpOffloadSocketTests : IDisposable
{
    // The production loop, owned by the test: the comms receive on it as in the daemon.
    private readonly PacketIoLoop _loop = new();

    public void Dispose() => _loop.Dispose();

    /// <summary>40 equal datagrams (one or more segmented messages), then odd sizes: a run that ends
    /// shorter, pairs, and lone datagrams.</summary>
    private static readonly int[] EqualThenOdd =
        [.. Enumerable.Repeat(1200, 40), 1200, 700, 33, 33, 1, 1400, 1400, 1399];

    /// <summary>Runs broken up by longer, shorter and lone datagrams of many sizes.</summary>
    private static readonly int[] Mixed =
        [1452, 1452, 1452, 100, 1452, 1452, 1451, 80, 80, 80, 81, 81, 1, 2, 3, 3, 3, 3, 3, 900, 900, 900, 900, 1452, 12, 12, 12, 12, 12, 12, 12, 12, 1452, 1452];

    public static TheoryData<string> Batches => new() { nameof(EqualThenOdd), nameof(Mixed) };

    private static int[] Lengths(string batch) => batch == nameof(Mixed) ? Mixed : EqualThenOdd;

    private static byte[][] Payloads(int[] lengths)
    {
        var payloads = new byte[lengths.Length][];
        for (int i = 0; i < lengths.Length; i++)
        {
            payloads[i] = new byte[lengths[i]];
            for (int k = 0; k < lengths[i]; k++) payloads[i][k] = (byte)(i * 37 + k * 11 + 5);
        }
        return payloads;
    }

    /// <summary>The payloads as datagrams for the <see cref="Collector"/>: a comm hands a site only
    /// what carries its index in a whole header, so each is padded to a header (the runs of equal
    /// and odd sizes stay runs) and addressed as an MSG0.</summary>
    private static byte[][] Addressed(byte[][] payloads)
    {
        var addressed = new byte[payloads.Length][];
        for (int i = 0; i < payloads.Length; i++)
        {
            var p = payloads[i];
            addressed[i] = new byte[Math.Max(p.Length, PacketHeader.Length)];
            p.CopyTo(addressed[i], 0);
            new PacketHeader(Collector.Index, 0, MessageLabel.Msg0).Write(addressed[i]);
        }
        return addressed;
    }

    private static PacketBuffer[] Buffers(BufferPool pool, byte[][] payloads)
    {
        var buffers = new PacketBuffer[payloads.Length];
        for (int i = 0; i < payloads.Length; i++)
        {
            buffers[i] = pool.Rent();
            buffers[i].CopyFrom(payloads[i]);
        }
        return buffers;
    }

    private static UdpComm Open(IPAddress address)
    {
        var c = new UdpComm(new UdpCommOptions { Addresses = [address], InstanceName = "udp#0@l1", Location = "t:1" }, new ListLog());
        Assert.Null(c.Open());
        return c;
    }

    private static Socket PlainReceiver(IPAddress address)
    {
        var s = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 1 << 20, ReceiveTimeout = 3000 };
        s.Bind(new IPEndPoint(address, 0));
        return s;
    }

    private static List<byte[]> ReceivePlain(Socket s, int count)
    {
        var got = new List<byte[]>();
        var buf = new byte[65536];
        while (got.Count < count)
        {
            int n = s.Receive(buf);
            got.Add(buf[..n]);
        }
        return got;
    }

    private static int SendAll(UdpComm comm, byte[][] payloads, IPEndPoint to)
    {
        var pool = new BufferPool();
        var buffers = Buffers(pool, payloads);
        int sent = comm.SendBatch(buffers, to.Serialize());
        foreach (var b in buffers) b.Release();
        return sent;
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void PlainReceiverSeesEachDatagram(string batch)
    {
        var payloads = Payloads(Lengths(batch));
        using var sender = Open(IPAddress.Loopback);
        using var receiver = PlainReceiver(IPAddress.Loopback);
        Assert.Equal(payloads.Length, SendAll(sender, payloads, (IPEndPoint)receiver.LocalEndPoint!));
        Assert.Equal(payloads, ReceivePlain(receiver, payloads.Length));
        AssertSegmented(sender.Offload);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void GroReceiverSplitsCoalescedMessagesBack(string batch)
    {
        var payloads = Addressed(Payloads(Lengths(batch)));
        using var sender = Open(IPAddress.Loopback);
        using var receiver = Open(IPAddress.Loopback);
        var collector = new Collector();
        receiver.Register(collector);
        receiver.StartReceiving(_loop);
        Assert.Equal(payloads.Length, SendAll(sender, payloads, receiver.LocalEndPoints[0]));
        Assert.Equal(payloads, collector.WaitFor(payloads.Length));
        Assert.All(collector.Sources, s => Assert.Equal(sender.LocalEndPoints[0], s));
        AssertSegmented(sender.Offload);
        // Loopback hands a segmented message to a GRO socket whole, so splitting must have happened.
        Assert.True(receiver.Offload.GroDatagrams > receiver.Offload.GroMessages, $"GRO messages {receiver.Offload.GroMessages}, datagrams {receiver.Offload.GroDatagrams}");
        Assert.Equal(0, receiver.Offload.GroMalformed);
        Assert.Equal(0, receiver.Unclaimed);
    }

    /// <summary>A sending comm and a receiving comm on loopback, the receiver read by a shared loop.</summary>
    private sealed class LoopRig : IDisposable
    {
        private readonly PacketIoLoop _loop = new();

        public LoopRig()
        {
            Receiver.Register(Collector);
            Receiver.StartReceiving(_loop);
        }

        public UdpComm Sender { get; } = Open(IPAddress.Loopback);
        public UdpComm Receiver { get; } = Open(IPAddress.Loopback);
        public Collector Collector { get; } = new();

        public void Dispose()
        {
            Receiver.Dispose();
            Sender.Dispose();
            _loop.Dispose();
        }
    }

    [Fact]
    public void PacketLoopReceivesRoundAfterRoundWithGro()
    {
        var payloads = Addressed(Payloads(EqualThenOdd));
        using var rig = new LoopRig();
        var (sender, receiver, collector) = (rig.Sender, rig.Receiver, rig.Collector);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(payloads.Length, SendAll(sender, payloads, receiver.LocalEndPoints[0]));
            Assert.Equal(payloads, collector.WaitFor(payloads.Length));
            Assert.All(collector.Sources, s => Assert.Equal(sender.LocalEndPoints[0], s));
            collector.Sources.Clear();
            // The run of 40 arrives as one coalesced message: a batch, not 40 lone datagrams.
            // (The odd sizes after it may each wake the loop alone on a loaded machine.)
            Assert.True(collector.Batched.Count(b => b) >= 40, $"{collector.Batched.Count(b => !b)} of {payloads.Length} unbatched");
            collector.Batched.Clear();
        }
        Assert.True(receiver.Offload.GroDatagrams > 0);
        Assert.Equal(0, receiver.Unclaimed);
    }

    [Fact]
    public void LoneDatagramsOnTheSharedLoopCostOneReceiveEach()
    {
        // A ping's datagram after a quiet spell: one recvmsg returns it and poll says whether more
        // came; a second receive would only return EAGAIN (secnet's latency budget). It reaches
        // the site outside any batch, to be opened at once.
        using var rig = new LoopRig();
        var (sender, receiver, collector) = (rig.Sender, rig.Receiver, rig.Collector);
        for (int i = 0; i < 5; i++)
        {
            byte[] payload = [.. Addressed(Payloads([64 + i]))[0]];
            Assert.Equal(1, SendAll(sender, [payload], receiver.LocalEndPoints[0]));
            Assert.Equal([payload], collector.WaitFor(1));
            Thread.Sleep(20);
        }
        Assert.Equal([false, false, false, false, false], collector.Batched);
        Assert.Equal(0, receiver.EmptyReceives);
        Assert.Equal(0, receiver.Unclaimed);
    }

    [Fact]
    public void SegmentationWorksOverIPv6()
    {
        var payloads = Addressed(Payloads(EqualThenOdd));
        using var sender = Open(IPAddress.IPv6Loopback);
        using var plain = PlainReceiver(IPAddress.IPv6Loopback);
        using var gro = Open(IPAddress.IPv6Loopback);
        var collector = new Collector();
        gro.Register(collector);
        gro.StartReceiving(_loop);
        Assert.Equal(payloads.Length, SendAll(sender, payloads, (IPEndPoint)plain.LocalEndPoint!));
        Assert.Equal(payloads.Length, SendAll(sender, payloads, gro.LocalEndPoints[0]));
        Assert.Equal(payloads, ReceivePlain(plain, payloads.Length));
        Assert.Equal(payloads, collector.WaitFor(payloads.Length));
        AssertSegmented(sender.Offload);
        Assert.True(gro.Offload.GroDatagrams > 0);
    }

    [Fact]
    public unsafe void RefusedSegmentationFallsBackWithoutLosingDatagrams()
    {
        var payloads = Payloads(EqualThenOdd);
        using var receiver = PlainReceiver(IPAddress.Loopback);
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        // SO_NO_CHECK (no UDP checksum): the kernel refuses UDP_SEGMENT on such a socket (EINVAL).
        s.SetRawSocketOption(1, 11, BitConverter.GetBytes(1));
        var counters = new UdpOffloadCounters();
        var sender = new UdpSegmentingSender(counters, enabled: true);
        var buffers = Buffers(new BufferPool(), payloads);
        var to = ((IPEndPoint)receiver.LocalEndPoint!).Serialize();
        byte* name = stackalloc byte[to.Size];
        for (int i = 0; i < to.Size; i++) name[i] = to[i];
        int sent = sender.Send((int)s.SafeHandle.DangerousGetHandle(), buffers, name, to.Size, out int errno, out bool switchedOff);
        Assert.Equal(payloads.Length, sent);
        Assert.Equal(0, errno);
        Assert.True(switchedOff);
        Assert.False(sender.Enabled);
        Assert.Equal(1, counters.GsoFallbacks);
        Assert.Equal(0, counters.GsoMessages);
        Assert.Equal(payloads, ReceivePlain(receiver, payloads.Length));
        // Off for good: the next batch goes singly at once and reports no new switch.
        sent = sender.Send((int)s.SafeHandle.DangerousGetHandle(), buffers, name, to.Size, out _, out switchedOff);
        Assert.Equal(payloads.Length, sent);
        Assert.False(switchedOff);
        Assert.Equal(1, counters.GsoFallbacks);
        Assert.Equal(payloads, ReceivePlain(receiver, payloads.Length));
    }

    private static void AssertSegmented(UdpOffloadCounters c)
    {
        Assert.Equal(0, c.GsoFallbacks);
        Assert.True(c.GsoMessages > 0, "no UDP_SEGMENT message was sent");
        Assert.True(c.GsoDatagrams >= 2 * c.GsoMessages);
    }

    private sealed class Collector : ICommReceiver
    {
        private readonly BlockingCollection<byte[]> _data = new();
        public ConcurrentQueue<IPEndPoint> Sources { get; } = new();

        /// <summary>Per datagram, whether it came inside a <see cref="PacketBatch"/>.</summary>
        public ConcurrentQueue<bool> Batched { get; } = new();

        public const uint Index = 0x5ec0_0001;

        public uint LocalIndex => Index;

        public bool TryReceive(IComm comm, PacketBuffer packet, PacketHeader header, SocketAddress source, ref string? refusal)
        {
            Sources.Enqueue(SocketAddresses.ToEndPoint(source));
            Batched.Enqueue(PacketBatch.IsOpen);
            _data.Add(packet.Data.ToArray());
            packet.Release();
            return true;
        }

        public List<byte[]> WaitFor(int count)
        {
            var got = new List<byte[]>();
            while (got.Count < count && _data.TryTake(out var d, 3000)) got.Add(d);
            return got;
        }
    }
}
