using System.Net;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Netlink;

/// <summary>Two real tun devices in offload mode, in two namespaces, joined back to back by their
/// pumps (a tunnel without the crypto): TCP from one side reaches a socket on the other.</summary>
public sealed class TunOffloadTests
{
    private const int Mtu = 1400;
    private static readonly IPAddress Left = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Right = IPAddress.Parse("192.0.2.2");

    private const string Server =
        "import socket,hashlib\n" +
        "s=socket.socket(); s.bind(('192.0.2.2',5001)); s.listen(1)\n" +
        "print('ready',flush=True)\n" +
        "s.settimeout(15); c,_=s.accept(); c.settimeout(15); h=hashlib.sha256(); n=0\n" +
        "while True:\n" +
        "  d=c.recv(262144)\n" +
        "  if not d: break\n" +
        "  h.update(d); n+=len(d)\n" +
        "print(h.hexdigest(),n,flush=True)\n";

    private const string Client =
        "import socket,hashlib,random\n" +
        "data=random.Random(5).randbytes(8*1024*1024)\n" +
        "s=socket.create_connection(('192.0.2.2',5001),timeout=15)\n" +
        "s.sendall(data); s.shutdown(socket.SHUT_WR); s.recv(1)\n" +
        "print(hashlib.sha256(data).hexdigest(),len(data),flush=True)\n";

    private sealed class Inspector
    {
        private int _largest;
        private int _invalid;

        private string? _firstInvalid;

        private int _inBatch;

        public int Largest => Volatile.Read(ref _largest);
        public int Invalid => Volatile.Read(ref _invalid);

        /// <summary>Packets that reached the router inside a <see cref="PacketBatch"/>.</summary>
        public int InBatch => Volatile.Read(ref _inBatch);

        /// <summary>The first packet that failed the check, in hex, for the failure message.</summary>
        public string FirstInvalid => Volatile.Read(ref _firstInvalid) ?? "";

        public void Check(PacketBuffer packet)
        {
            var data = packet.Data;
            if (PacketBatch.IsOpen) Interlocked.Increment(ref _inBatch);
            if (data.Length > Volatile.Read(ref _largest)) Volatile.Write(ref _largest, data.Length);
            // The kernel also sends IPv6 router solicitations over a fresh interface.
            if (data.Length > 0 && data[0] >> 4 == 6) return;
            var valid = data.Length >= 20 && TcpPacketKit.IpChecksumValid(data)
                && (data[9] != 6 || TcpPacketKit.TcpChecksumValid(data));
            if (valid) return;
            Interlocked.Increment(ref _invalid);
            Interlocked.CompareExchange(ref _firstInvalid, Convert.ToHexString(data), null);
        }
    }

    [Fact]
    public void TsoReadsAreSplitAndCoalescedWritesReachTheSocketIntact()
    {
        using var left = NetNs.Create("tunoff");
        using var right = NetNs.Create("tunoff");
        using var leftTun = left.Run(() => TunDevice.Open("netlink-tun", "offtun0", offload: true));
        using var rightTun = right.Run(() => TunDevice.Open("netlink-tun", "offtun1", offload: true));
        Assert.True(leftTun.Offload, leftTun.OffloadRefusal);
        Assert.True(rightTun.Offload, rightTun.OffloadRefusal);
        leftTun.ConfigurePointToPoint(Left, Right, Mtu);
        rightTun.ConfigurePointToPoint(Right, Left, Mtu);

        var pool = new BufferPool();
        using var loop = new PacketIoLoop();
        var fromLeft = new Inspector();
        var fromRight = new Inspector();
        TunPacketPump? leftPump = null;
        TunPacketPump? rightPump = null;
        leftPump = new TunPacketPump(leftTun, pool, p => { fromLeft.Check(p); rightPump!.QueueWrite(p); },
            m => Assert.Fail(m), new TunDeviceTests.RecordingLog());
        rightPump = new TunPacketPump(rightTun, pool, p => { fromRight.Check(p); leftPump.QueueWrite(p); },
            m => Assert.Fail(m), new TunDeviceTests.RecordingLog());
        try
        {
            leftPump.Attach(loop);
            rightPump.Attach(loop);
            var server = right.StartProcess("python3", "-c", Server);
            Assert.Equal("ready", server.StandardOutput.ReadLine());
            var client = left.StartProcess("python3", "-c", Client);
            Assert.True(client.WaitForExit(20_000), "client did not finish");
            Assert.True(server.WaitForExit(20_000), "server did not finish");
            var sent = client.StandardOutput.ReadLine();
            Assert.False(string.IsNullOrEmpty(sent), client.StandardError.ReadToEnd());
            Assert.Equal(sent, server.StandardOutput.ReadLine());
        }
        finally
        {
            leftPump.Dispose();
            rightPump.Dispose();
        }

        Assert.True(leftPump.Offload.SegmentsMade > 0, "the kernel never handed over a TSO packet");
        // A TSO packet's segments go on inside a batch, to be sealed and sent together.
        Assert.True(fromLeft.InBatch >= leftPump.Offload.SegmentsMade, $"{fromLeft.InBatch} packets in a batch, {leftPump.Offload.SegmentsMade} segments made");
        Assert.True(fromLeft.Largest <= Mtu, $"a {fromLeft.Largest}-byte packet left the pump");
        Assert.True(fromLeft.Invalid == 0, $"{fromLeft.Invalid} invalid from the left, first: {fromLeft.FirstInvalid}");
        Assert.True(fromRight.Invalid == 0, $"{fromRight.Invalid} invalid from the right, first: {fromRight.FirstInvalid}");
        Assert.Equal(0, leftPump.Offload.MalformedReads);
        Assert.True(rightPump.Offload.CoalescedWrites > 0, "no coalesced write was made");
        Assert.Equal(0, rightPump.WriteFailures);
        Assert.Equal(0, rightPump.Offload.BadChecksums);
        Assert.Equal(leftPump.PacketsRead, rightPump.PacketsWritten);
    }

    [Fact]
    public void OffloadModeStillCarriesOrdinaryPackets()
    {
        using var ns = NetNs.Create("tunoff");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "offtun0", offload: true));
        Assert.True(tun.Offload, tun.OffloadRefusal);
        tun.ConfigurePointToPoint(Left, Right, Mtu);
        var listener = TunDeviceTests.StartUdpListener(ns);

        var pool = new BufferPool();
        using var loop = new PacketIoLoop();
        var pings = 0;
        using var pump = new TunPacketPump(tun, pool, p =>
        {
            if (p.Data.Length >= 28 && p.Data[9] == 1 && TcpPacketKit.IpChecksumValid(p.Data)) Interlocked.Increment(ref pings);
            p.Release();
        }, m => Assert.Fail(m), new TunDeviceTests.RecordingLog());
        pump.Attach(loop);
        ns.Exec("ping", "-n", "-c", "2", "-i", "0.2", "-W", "1", "192.0.2.2");
        Assert.Equal(2, Volatile.Read(ref pings));

        // Outside a batch a write goes out at once, behind a zero virtio header.
        var packet = pool.Rent();
        packet.CopyFrom(TunDeviceTests.BuildUdp(Right, 4444, Left, 5555, [0xc0, 0xdb]));
        pump.QueueWrite(packet);
        Assert.True(listener.WaitForExit(10_000));
        Assert.Equal("c0db 192.0.2.2 4444", listener.StandardOutput.ReadLine());
        Assert.Equal(1, pump.PacketsWritten);
    }
}
