using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Packets;

namespace Secnet.Tests.Comm;

public class PolypathSocketTests
{
    [Fact]
    public void PolypathSocketsGetTheRoomyReceiveBufferUdpSocketsGet()
    {
        // Root (as in CI) may exceed rmem_max; the default of ~208 KiB overflows under a burst.
        using var socket = PolypathSocket.TryCreate("lo", new IPEndPoint(IPAddress.Loopback, 0), null, out var problem, out var summary);
        Assert.True(socket is not null, $"{summary}: {problem}");
        Assert.True(socket.ReceiveBufferSize >= UdpReceiveBuffer.DefaultBytes, $"receive buffer {socket.ReceiveBufferSize}");
    }

    [Fact]
    public void DatagramsArriveInOrderInsidePacketBatches()
    {
        // Each recvmmsg of several datagrams is one PacketBatch, so the sites can open what it
        // brought together. After a quiet spell one datagram is read alone (recvmsg) and handed
        // over outside a batch; poll then says the rest are there.
        using var loop = new PacketIoLoop();
        using var socket = PolypathSocket.TryCreate("lo", new IPEndPoint(IPAddress.Loopback, 0), null, out var problem, out _);
        Assert.True(socket is not null, problem);
        var got = new BlockingCollection<(byte[] Data, bool InBatch, bool OnLoop, IPEndPoint From)>();
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var to = socket.BoundEndPoint!;
        // Queued before the loop reads the socket: its first, quiet, turn reads one, and the next
        // turns find the rest waiting.
        for (int i = 0; i < 40; i++) sender.SendTo(new byte[] { (byte)i, 0x5a, (byte)(i * 3) }, to);
        socket.StartReceiving(loop, new BufferPool(), new UdpOffloadCounters(), (_, packet, source) =>
        {
            got.Add((packet.Data.ToArray(), PacketBatch.IsOpen, loop.IsLoopThread, SocketAddresses.ToEndPoint(source)));
            packet.Release();
        });
        int batched = 0;
        for (int i = 0; i < 40; i++)
        {
            Assert.True(got.TryTake(out var d, 5000), $"datagram {i} missing");
            Assert.Equal(new byte[] { (byte)i, 0x5a, (byte)(i * 3) }, d.Data);
            if (i == 0) Assert.False(d.InBatch, "the first datagram after the quiet start came in a batch");
            if (d.InBatch) batched++;
            Assert.True(d.OnLoop);
            Assert.Equal(sender.LocalEndPoint, d.From);
        }
        // The rest in batches. (A loaded machine that holds the loop off for 200 µs between two
        // turns makes the next one look quiet and read one alone: a few may.)
        Assert.True(batched >= 35, $"only {batched} of the 39 others came in a batch");
        Thread.Sleep(20);
        sender.SendTo(new byte[] { 0xa5 }, to);
        Assert.True(got.TryTake(out var lone, 5000), "lone datagram missing");
        Assert.Equal(new byte[] { 0xa5 }, lone.Data);
        Assert.False(lone.InBatch);
        Assert.True(lone.OnLoop);
        Assert.Equal(sender.LocalEndPoint, lone.From);
    }
}
