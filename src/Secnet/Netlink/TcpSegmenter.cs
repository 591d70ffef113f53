using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>How one TSO packet (IPv4 or IPv6 + TCP, up to 64 KiB) splits into MSS-sized segments.</summary>
public readonly record struct TcpSegmentPlan(int IpHeaderLength, int TcpHeaderLength, int PayloadLength,
    int SegmentSize, bool Ipv6 = false)
{
    public int HeaderLength => IpHeaderLength + TcpHeaderLength;

    public int Count => (PayloadLength + SegmentSize - 1) / SegmentSize;

    public int PayloadOf(int index) => Math.Min(SegmentSize, PayloadLength - index * SegmentSize);
}

/// <summary>
/// Software TCP segmentation of the kernel's TSO packets (virtio gso_type TCPV4 and TCPV6), as a
/// NIC would do it: each segment is a complete IP+TCP packet with its own length (IPv4: total
/// length, IP id +1 per segment, header checksum; IPv6: payload length), sequence number and full
/// TCP checksum; FIN/PSH stay on the last segment and CWR on the first. IPv6 is taken only
/// with TCP right after the fixed header (the kernel's own TCP never adds extension headers). Pure span functions; malformed input yields false, never throws.
/// </summary>
public static class TcpSegmenter
{
    public const byte FlagFin = 0x01;
    public const byte FlagPsh = 0x08;
    public const byte FlagCwr = 0x80;

    private const int TcpFlagsOffset = 13;

    /// <summary>Checks that <paramref name="packet"/> is a segmentable IPv4/TCP packet whose IP
    /// total length matches what was read, and plans segments of <paramref name="segmentSize"/>
    /// payload bytes.</summary>
    public static bool TryPlan(ReadOnlySpan<byte> packet, int segmentSize, out TcpSegmentPlan plan)
    {
        plan = default;
        if (segmentSize <= 0 || packet.Length < Ipv4Header.MinLength + 20) return false;
        if (Ipv4Header.Version(packet) != 4) return false;
        var ipLength = Ipv4Header.HeaderLength(packet);
        if (ipLength < Ipv4Header.MinLength || Ipv4Header.TotalLength(packet) != packet.Length) return false;
        if (Ipv4Header.Protocol(packet) != InternetChecksum.ProtocolTcp) return false;
        var fragment = Ipv4Header.FragmentField(packet);
        if ((fragment & (Ipv4Header.FlagMoreFragments | Ipv4Header.OffsetMask)) != 0) return false;
        if (packet.Length < ipLength + 20) return false;
        var tcpLength = (packet[ipLength + 12] >> 4) * 4;
        if (tcpLength < 20 || packet.Length < ipLength + tcpLength) return false;
        var payload = packet.Length - ipLength - tcpLength;
        if (payload == 0) return false;
        plan = new TcpSegmentPlan(ipLength, tcpLength, payload, segmentSize);
        return true;
    }

    /// <summary>As <see cref="TryPlan"/> for an IPv6/TCP packet (gso_type TCPV6).</summary>
    public static bool TryPlan6(ReadOnlySpan<byte> packet, int segmentSize, out TcpSegmentPlan plan)
    {
        plan = default;
        if (segmentSize <= 0 || packet.Length < Ipv6Header.Length + 20) return false;
        if (packet[0] >> 4 != 6 || Ipv6Header.PayloadLength(packet) + Ipv6Header.Length != packet.Length) return false;
        if (Ipv6Header.NextHeader(packet) != InternetChecksum.ProtocolTcp) return false;
        var tcpLength = (packet[Ipv6Header.Length + 12] >> 4) * 4;
        if (tcpLength < 20 || packet.Length < Ipv6Header.Length + tcpLength) return false;
        var payload = packet.Length - Ipv6Header.Length - tcpLength;
        if (payload == 0) return false;
        plan = new TcpSegmentPlan(Ipv6Header.Length, tcpLength, payload, segmentSize, Ipv6: true);
        return true;
    }

    /// <summary>Writes segment <paramref name="index"/> of <paramref name="packet"/> into
    /// <paramref name="destination"/>; returns its length, or -1 if the index or room is wrong.</summary>
    public static int WriteSegment(ReadOnlySpan<byte> packet, in TcpSegmentPlan plan, int index, Span<byte> destination)
    {
        var count = plan.Count;
        if ((uint)index >= (uint)count) return -1;
        var payload = plan.PayloadOf(index);
        var length = plan.HeaderLength + payload;
        if (destination.Length < length || packet.Length < plan.HeaderLength + plan.PayloadLength) return -1;
        var segment = destination[..length];
        packet[..plan.HeaderLength].CopyTo(segment);
        packet.Slice(plan.HeaderLength + index * plan.SegmentSize, payload).CopyTo(segment[plan.HeaderLength..]);

        var ip = segment[..plan.IpHeaderLength];
        if (plan.Ipv6)
        {
            Ipv6Header.SetPayloadLength(ip, length - Ipv6Header.Length);
        }
        else
        {
            Ipv4Header.SetTotalLength(ip, length);
            var id = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)(id + index));
            Ipv4Header.UpdateChecksum(ip);
        }

        var tcp = segment[plan.IpHeaderLength..];
        var sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence + (uint)(index * plan.SegmentSize));
        var flags = tcp[TcpFlagsOffset];
        if (index != count - 1) flags &= unchecked((byte)~(FlagFin | FlagPsh));
        if (index != 0) flags &= unchecked((byte)~FlagCwr);
        tcp[TcpFlagsOffset] = flags;
        tcp[16] = 0;
        tcp[17] = 0;
        var pseudo = plan.Ipv6
            ? Ipv6Header.PseudoHeader(ip, InternetChecksum.ProtocolTcp, tcp.Length)
            : InternetChecksum.PseudoHeader(ip, InternetChecksum.ProtocolTcp, tcp.Length);
        var checksum = InternetChecksum.Complete(tcp, pseudo);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], checksum);
        return length;
    }
}
