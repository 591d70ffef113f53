using System.Buffers.Binary;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.TcpPacketKit;

namespace Secnet.Tests.Netlink;

/// <summary>TSO packets cut into segments; every header and checksum is recomputed here.</summary>
public sealed class TcpSegmenterTests
{
    private const int Mss = 1348;

    private static byte[] TsoPacket(byte flags, out byte[] payload, out byte[] options)
    {
        options = Timestamps(1000, 2000);
        payload = Payload(65535 - 20 - 32, seed: 7);
        // The kernel hands TSO packets over with a partial checksum; the segmenter must not care.
        var packet = Build(0xfffff000, flags, payload, options, id: 0xfffe);
        packet[36] = 0xab;
        packet[37] = 0xcd;
        return packet;
    }

    [Fact]
    public void A64KibTsoPacketBecomesValidMssSegments()
    {
        var tso = TsoPacket(Ack | Psh | Fin | Cwr, out var payload, out var options);
        Assert.True(TcpSegmenter.TryPlan(tso, Mss, out var plan));
        Assert.Equal((payload.Length + Mss - 1) / Mss, plan.Count);

        var buffer = new byte[2048];
        var reassembled = new List<byte>();
        for (var i = 0; i < plan.Count; i++)
        {
            var length = TcpSegmenter.WriteSegment(tso, plan, i, buffer);
            var segment = buffer.AsSpan(0, length);
            var expectedPayload = Math.Min(Mss, payload.Length - i * Mss);
            Assert.Equal(20 + 32 + expectedPayload, length);
            Assert.Equal(length, TotalLength(segment));
            Assert.Equal((ushort)(0xfffe + i), IpId(segment));
            Assert.True(IpChecksumValid(segment), $"IP checksum of segment {i}");
            Assert.True(TcpChecksumValid(segment), $"TCP checksum of segment {i}");
            Assert.Equal(unchecked(0xfffff000u + (uint)(i * Mss)), Sequence(segment));
            Assert.Equal(tso.AsSpan(0, 2).ToArray(), segment[..2].ToArray());
            Assert.Equal(tso.AsSpan(6, 4).ToArray(), segment[6..10].ToArray());
            Assert.Equal(tso.AsSpan(12, 8).ToArray(), segment[12..20].ToArray());
            Assert.Equal(options, segment[40..52].ToArray());
            var flags = segment[33];
            var last = i == plan.Count - 1;
            Assert.Equal(last, (flags & Fin) != 0);
            Assert.Equal(last, (flags & Psh) != 0);
            Assert.Equal(i == 0, (flags & Cwr) != 0);
            Assert.True((flags & Ack) != 0);
            reassembled.AddRange(segment[52..].ToArray());
        }
        Assert.Equal(payload, reassembled.ToArray());
    }

    [Fact]
    public void APayloadThatFitsOneSegmentStaysWhole()
    {
        var packet = Build(5, Ack | Psh, Payload(100, 1));
        Assert.True(TcpSegmenter.TryPlan(packet, Mss, out var plan));
        Assert.Equal(1, plan.Count);
        var buffer = new byte[2048];
        var length = TcpSegmenter.WriteSegment(packet, plan, 0, buffer);
        Assert.Equal(packet, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void MalformedPacketsAreRefused()
    {
        var good = Build(1, Ack, Payload(3000, 2));
        Assert.False(TcpSegmenter.TryPlan(good, 0, out _));
        Assert.False(TcpSegmenter.TryPlan(good.AsSpan(0, 2000), Mss, out _));

        var wrongLength = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(wrongLength.AsSpan(2), 4000);
        Assert.False(TcpSegmenter.TryPlan(wrongLength, Mss, out _));

        var udp = (byte[])good.Clone();
        udp[9] = 17;
        Assert.False(TcpSegmenter.TryPlan(udp, Mss, out _));

        var ipv6 = (byte[])good.Clone();
        ipv6[0] = 0x65;
        Assert.False(TcpSegmenter.TryPlan(ipv6, Mss, out _));

        var badDataOffset = (byte[])good.Clone();
        badDataOffset[32] = 0x40;
        Assert.False(TcpSegmenter.TryPlan(badDataOffset, Mss, out _));

        var fragment = (byte[])good.Clone();
        fragment[6] = 0x20;
        Assert.False(TcpSegmenter.TryPlan(fragment, Mss, out _));

        Assert.False(TcpSegmenter.TryPlan(Build(1, Ack, []), Mss, out _));
        Assert.False(TcpSegmenter.TryPlan([0x45, 0, 0], Mss, out _));
    }

    [Fact]
    public void ASegmentThatDoesNotFitOrDoesNotExistIsRefused()
    {
        var packet = Build(1, Ack, Payload(3000, 3));
        Assert.True(TcpSegmenter.TryPlan(packet, Mss, out var plan));
        Assert.Equal(-1, TcpSegmenter.WriteSegment(packet, plan, 0, new byte[100]));
        Assert.Equal(-1, TcpSegmenter.WriteSegment(packet, plan, plan.Count, new byte[2048]));
        Assert.Equal(-1, TcpSegmenter.WriteSegment(packet, plan, -1, new byte[2048]));
    }
}
