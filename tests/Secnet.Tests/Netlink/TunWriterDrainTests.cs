using System.Buffers.Binary;
using System.Net;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Netlink;

/// <summary>A thread that writes to the host inside a batch takes the host's answer itself before
/// the batch closes (no reader thread is running here, so nothing else could have read it).</summary>
public sealed class TunWriterDrainTests
{
    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.2");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EchoReplyIsReadByTheWritingThreadWithinItsBatch(bool offload)
    {
        using var ns = NetNs.Create("tunwd");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "wdtun0", offload: offload));
        Assert.Equal(offload, tun.Offload);
        tun.ConfigurePointToPoint(Local, Peer, 1400);

        var pool = new BufferPool();
        var writer = Environment.CurrentManagedThreadId;
        var replies = new List<(int Thread, ushort Sequence)>();
        using var pump = new TunPacketPump(tun, pool, p =>
        {
            var d = p.Data;
            // ICMP echo reply (type 0) from the host to the peer; IPv6 chatter is ignored.
            if (d.Length >= 28 && d[0] >> 4 == 4 && d[9] == 1 && d[20] == 0)
                lock (replies) replies.Add((Environment.CurrentManagedThreadId, BinaryPrimitives.ReadUInt16BigEndian(d[26..])));
            p.Release();
        }, m => Assert.Fail(m), new TunDeviceTests.RecordingLog());

        for (ushort seq = 1; seq <= 3; seq++)
        {
            PacketBatch.Begin();
            try
            {
                var packet = pool.Rent();
                packet.CopyFrom(EchoRequest(Peer, Local, seq));
                pump.ToKernel(packet);
            }
            finally
            {
                PacketBatch.End();
            }
            lock (replies)
            {
                Assert.Equal(seq, replies.Count);
                Assert.Equal((writer, seq), replies[seq - 1]);
            }
        }
        Assert.Equal(3, pump.PacketsWritten);
    }

    private static byte[] EchoRequest(IPAddress source, IPAddress destination, ushort sequence)
    {
        var p = new byte[20 + 8 + 16];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = 1;
        source.GetAddressBytes().CopyTo(p, 12);
        destination.GetAddressBytes().CopyTo(p, 16);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), TcpPacketKit.Checksum(p.AsSpan(0, 20)));
        p[20] = 8;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), 0x5eed);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(26), sequence);
        for (int i = 28; i < p.Length; i++) p[i] = (byte)i;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), TcpPacketKit.Checksum(p.AsSpan(20)));
        return p;
    }
}
