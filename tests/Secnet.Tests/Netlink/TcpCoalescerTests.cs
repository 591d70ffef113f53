using System.Buffers.Binary;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.TcpPacketKit;

namespace Secnet.Tests.Netlink;

/// <summary>Coalescing runs of TCP segments into one GSO write, and every reason to refuse.</summary>
public sealed class TcpCoalescerTests
{
    private const int Mss = 1348;
    private static readonly byte[] Options = Timestamps(11, 22);

    private static List<byte[]> Segments(int count, int lastPayload = Mss, byte lastFlags = Ack | Psh, uint start = 1000)
    {
        var list = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var last = i == count - 1;
            list.Add(Build(start + (uint)(i * Mss), last ? lastFlags : Ack, Payload(last ? lastPayload : Mss, i), Options,
                id: (ushort)(100 + i)));
        }
        return list;
    }

    /// <summary>Runs the packets through the coalescer from the first; returns how many joined
    /// and the finished write (virtio header + packet).</summary>
    private static (int Joined, byte[] Write) Coalesce(IReadOnlyList<byte[]> packets)
    {
        Assert.Equal(CoalesceCandidate.Eligible, TcpCoalescer.Inspect(packets[0], out var headInfo));
        var run = TcpCoalescer.Start(headInfo);
        var merged = new byte[VirtioNetHeader.Size + TcpCoalescer.MaxLength];
        var used = TcpCoalescer.WriteHead(packets[0], merged);
        for (var i = 1; i < packets.Count; i++)
        {
            if (TcpCoalescer.Inspect(packets[i], out var info) != CoalesceCandidate.Eligible
                || !TcpCoalescer.CanAppend(packets[0], run, packets[i], info)) break;
            TcpCoalescer.Append(ref run, info);
            used = TcpCoalescer.WriteNext(merged, used, packets[i], info);
        }
        Assert.Equal(VirtioNetHeader.Size + run.Length, used);
        var length = TcpCoalescer.Finish(merged, run);
        return (run.Count, merged.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void ARunBecomesOneGsoPacketWithPartialChecksum()
    {
        var packets = Segments(10, lastPayload: 500);
        var (joined, write) = Coalesce(packets);
        Assert.Equal(10, joined);

        var virtio = VirtioNetHeader.Read(write);
        Assert.Equal(VirtioNetHeader.FlagNeedsChecksum, virtio.Flags);
        Assert.Equal(VirtioNetHeader.GsoTcpV4, virtio.GsoType);
        Assert.Equal(Mss, virtio.GsoSize);
        Assert.Equal(52, virtio.HeaderLength);
        Assert.Equal(20, virtio.ChecksumStart);
        Assert.Equal(16, virtio.ChecksumOffset);

        var packet = write.AsSpan(VirtioNetHeader.Size);
        Assert.Equal(52 + 9 * Mss + 500, packet.Length);
        Assert.Equal(packet.Length, TotalLength(packet));
        Assert.True(IpChecksumValid(packet));
        Assert.Equal((ushort)100, IpId(packet));
        Assert.Equal(1000u, Sequence(packet));
        Assert.Equal(Ack | Psh, packet[33]);
        Assert.Equal(Options, packet[40..52].ToArray());
        Assert.Equal(PseudoHeaderSum(packet, packet.Length - 20), BinaryPrimitives.ReadUInt16BigEndian(packet[36..]));
        var payload = new List<byte>();
        foreach (var p in packets) payload.AddRange(p.AsSpan(52).ToArray());
        Assert.Equal(payload.ToArray(), packet[52..].ToArray());
    }

    [Fact]
    public void AGapInSequenceEndsTheRun()
    {
        var packets = Segments(4);
        packets[2] = Build(1000 + 3 * Mss, Ack, Payload(Mss, 2), Options);
        Assert.Equal(2, Coalesce(packets).Joined);
    }

    [Fact]
    public void AnotherFlowEndsTheRun()
    {
        var packets = Segments(3);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, sourcePort: 40001);
        Assert.Equal(1, Coalesce(packets).Joined);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, ack: 778);
        Assert.Equal(1, Coalesce(packets).Joined);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, ttl: 63);
        Assert.Equal(1, Coalesce(packets).Joined);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, tos: 2);
        Assert.Equal(1, Coalesce(packets).Joined);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, dontFragment: false);
        Assert.Equal(1, Coalesce(packets).Joined);
    }

    [Fact]
    public void ABadChecksumIsNotCoalesced()
    {
        var bad = Build(1000, Ack, Payload(Mss, 1), Options, validChecksum: false);
        Assert.Equal(CoalesceCandidate.BadChecksum, TcpCoalescer.Inspect(bad, out _));
        var packets = Segments(3);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Options, validChecksum: false);
        Assert.Equal(1, Coalesce(packets).Joined);
    }

    [Theory]
    [InlineData(Ack | Fin)]
    [InlineData(Ack | Syn)]
    [InlineData(Ack | Urg)]
    [InlineData(Ack | Cwr)]
    [InlineData(Psh)]
    public void OtherFlagsAreNotEligible(byte flags) =>
        Assert.Equal(CoalesceCandidate.NotEligible, TcpCoalescer.Inspect(Build(1, flags, Payload(10, 1)), out _));

    [Fact]
    public void PacketsWithoutPayloadOrWithIpOptionsAreNotEligible()
    {
        Assert.Equal(CoalesceCandidate.NotEligible, TcpCoalescer.Inspect(Build(1, Ack, []), out _));
        var withIpOptions = Build(1, Ack, Payload(10, 1));
        withIpOptions[0] = 0x46;
        Assert.Equal(CoalesceCandidate.NotEligible, TcpCoalescer.Inspect(withIpOptions, out _));
        Assert.Equal(CoalesceCandidate.NotEligible, TcpCoalescer.Inspect(new byte[10], out _));
    }

    [Fact]
    public void PushOrAShortSegmentClosesTheRun()
    {
        var packets = Segments(4);
        packets[1] = Build(1000 + Mss, Ack | Psh, Payload(Mss, 1), Options);
        Assert.Equal(2, Coalesce(packets).Joined);
        packets = Segments(4);
        packets[1] = Build(1000 + Mss, Ack, Payload(100, 1), Options);
        Assert.Equal(2, Coalesce(packets).Joined);
    }

    [Fact]
    public void ALargerSegmentThanTheFirstIsRefused()
    {
        var packets = new List<byte[]>
        {
            Build(1000, Ack, Payload(500, 0), Options),
            Build(1500, Ack, Payload(600, 1), Options),
        };
        Assert.Equal(1, Coalesce(packets).Joined);
    }

    [Fact]
    public void DifferentOptionsAreRefused()
    {
        var packets = Segments(3);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1), Timestamps(12, 22));
        Assert.Equal(1, Coalesce(packets).Joined);
        packets[1] = Build(1000 + Mss, Ack, Payload(Mss, 1));
        Assert.Equal(1, Coalesce(packets).Joined);
    }

    [Fact]
    public void TheRunStopsBelow64KiB()
    {
        var packets = Segments(60);
        var (joined, write) = Coalesce(packets);
        Assert.Equal((TcpCoalescer.MaxLength - 52) / Mss, joined);
        Assert.True(write.Length - VirtioNetHeader.Size <= TcpCoalescer.MaxLength);
    }

    [Fact]
    public void SegmentingThenCoalescingGivesBackTheOriginal()
    {
        var payload = Payload(40_000, 9);
        var original = Build(5_000_000, Ack | Psh, payload, Options, id: 9);
        Assert.True(TcpSegmenter.TryPlan(original, Mss, out var plan));
        var segments = new List<byte[]>();
        var buffer = new byte[2048];
        for (var i = 0; i < plan.Count; i++)
            segments.Add(buffer.AsSpan(0, TcpSegmenter.WriteSegment(original, plan, i, buffer)).ToArray());

        var (joined, write) = Coalesce(segments);
        Assert.Equal(plan.Count, joined);
        var packet = write.AsSpan(VirtioNetHeader.Size).ToArray();
        var virtio = VirtioNetHeader.Read(write);
        // Finishing the partial checksum as the kernel would must give the original packet back.
        Assert.True(InternetChecksum.TryCompletePartial(packet, virtio.ChecksumStart, virtio.ChecksumOffset));
        Assert.Equal(original, packet);
    }

    [Fact]
    public void APartialChecksumIsFinishedLikeTheKernelDoes()
    {
        var packet = Build(42, Ack | Psh, Payload(999, 4), Options);
        var expected = (byte[])packet.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(36), PseudoHeaderSum(packet, packet.Length - 20));
        Assert.True(InternetChecksum.TryCompletePartial(packet, 20, 16));
        Assert.Equal(expected, packet);
        Assert.False(InternetChecksum.TryCompletePartial(packet, packet.Length - 1, 16));
    }
}
