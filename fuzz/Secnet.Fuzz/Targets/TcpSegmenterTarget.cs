using System.Buffers.Binary;
using Secnet.Netlink;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// Software TSO (TcpSegmenter). Input: flags (1: repair lengths and checksums first), segment
/// size (2), then the packet. A planned packet must cut into valid IPv4 packets with right TCP
/// checksums, consecutive sequence numbers and ids, FIN/PSH only on the last and CWR only on the
/// first, whose payloads put together are the original payload; a short destination is refused.
/// </summary>
internal sealed class TcpSegmenterTarget : IFuzzTarget
{
    private readonly byte[] _segment = new byte[TcpCoalescer.MaxLength + 1];

    public string Name => "tcp-segmenter";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        byte flags = r.U8();
        int segmentSize = (short)r.U16();
        var packet = r.Rest().ToArray();
        if ((flags & 1) != 0) PacketFixups.FixIpv4(packet);
        if (!TcpSegmenter.TryPlan(packet, segmentSize, out var plan)) return;
        FuzzInvariantException.Check(plan.SegmentSize > 0 && plan.PayloadLength > 0
            && plan.HeaderLength + plan.PayloadLength == packet.Length, "plan covers the packet");
        int count = plan.Count;
        FuzzInvariantException.Check(count >= 1, "at least one segment");
        var payload = packet.AsSpan(plan.HeaderLength);
        uint sequence = BinaryPrimitives.ReadUInt32BigEndian(packet.AsSpan(plan.IpHeaderLength + 4));
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(4));
        byte originalFlags = packet[plan.IpHeaderLength + 13];
        // A segment size of 1 on 64 KiB would mean 64K segments; the ends and a sample suffice.
        for (int i = 0; i < count; i++)
        {
            if (count > 64 && i >= 32 && i < count - 32 && i % 997 != 0) continue;
            int length = TcpSegmenter.WriteSegment(packet, plan, i, _segment);
            FuzzInvariantException.Check(length == plan.HeaderLength + plan.PayloadOf(i), "segment length");
            var seg = _segment.AsSpan(0, length);
            var validation = Ipv4Validation.Check(seg);
            FuzzInvariantException.Check(validation.IsValid, $"segment {i} is not valid IPv4: {validation.Reason()}");
            FuzzInvariantException.Check(PacketFixups.TcpChecksumRight(seg), $"segment {i} TCP checksum");
            var tcp = seg[plan.IpHeaderLength..];
            FuzzInvariantException.Check(BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]) == sequence + (uint)(i * plan.SegmentSize), "sequence");
            FuzzInvariantException.Check(BinaryPrimitives.ReadUInt16BigEndian(seg[4..]) == (ushort)(id + i), "IP id");
            byte f = tcp[13];
            byte expected = originalFlags;
            if (i != count - 1) expected &= unchecked((byte)~(TcpSegmenter.FlagFin | TcpSegmenter.FlagPsh));
            if (i != 0) expected &= unchecked((byte)~TcpSegmenter.FlagCwr);
            FuzzInvariantException.Check(f == expected, "flags");
            FuzzInvariantException.Check(seg[plan.HeaderLength..].SequenceEqual(payload.Slice(i * plan.SegmentSize, plan.PayloadOf(i))), "payload piece");
        }
        int last = plan.HeaderLength + plan.PayloadOf(count - 1);
        FuzzInvariantException.Check(TcpSegmenter.WriteSegment(packet, plan, count - 1, _segment.AsSpan(0, last - 1)) == -1, "short destination refused");
        FuzzInvariantException.Check(TcpSegmenter.WriteSegment(packet, plan, count, _segment) == -1, "index past the end refused");
    }
}
