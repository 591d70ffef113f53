using System.Buffers.Binary;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// ICMP errors exactly as secnet builds them (§8): a fresh IPv4 header (TOS 0, id 0, TTL 255, no
/// options), then type, code, checksum, the 4-byte info field, and the offending packet's header
/// plus up to 8 payload bytes as they are at that moment.
/// </summary>
internal static class IcmpBuilder
{
    public const int TypeEchoReply = 0;
    public const int TypeUnreachable = 3;
    public const int TypeEchoRequest = 8;
    public const int TypeTimeExceeded = 11;
    public const int CodeNetUnreachable = 0;
    public const int CodeProtocolUnreachable = 2;
    public const int CodeFragmentationNeeded = 4;
    public const int CodeNetProhibited = 13;
    public const int CodeTtlExceeded = 0;
    private const int IcmpHeaderLength = 8;

    /// <summary>secnet never answers ICMP errors, non-initial fragments or sources that are not a
    /// single host. Quirk kept: ICMP echo/timestamp packets are always answerable.</summary>
    public static bool MayReplyTo(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Ipv4Header.MinLength + IcmpHeaderLength) return false;
        if (Ipv4Header.Protocol(packet) == Ipv4Header.ProtocolIcmp)
        {
            int typeAt = Ipv4Header.HeaderLength(packet);
            if (typeAt >= packet.Length) return false;
            return packet[typeAt] is 0 or 8 or 13 or 14;
        }
        if ((Ipv4Header.FragmentField(packet) & Ipv4Header.OffsetMask) != 0) return false;
        uint source = Ipv4Header.Source(packet);
        if (source == 0) return false;
        if ((source & 0xff000000) == 0x7f000000) return false;
        if ((source & 0xf0000000) == 0xe0000000) return false;
        if ((source & 0xf0000000) == 0xf0000000) return false;
        return true;
    }

    /// <summary>How much of the offending packet is quoted: header + 8 bytes, at most all of it.</summary>
    public static int QuotedLength(ReadOnlySpan<byte> packet) =>
        Math.Min(Ipv4Header.HeaderLength(packet) + 8, Ipv4Header.TotalLength(packet));

    /// <summary>Builds the error into a pooled buffer; null when the pool's buffers are too small.</summary>
    public static PacketBuffer? Build(BufferPool pool, ReadOnlySpan<byte> offending, uint source,
        uint destination, int type, int code, uint info)
    {
        int quoted = QuotedLength(offending);
        int total = Ipv4Header.MinLength + IcmpHeaderLength + quoted;
        var buffer = pool.Rent();
        if (!buffer.TryAppend(total, out var p))
        {
            buffer.Release();
            return null;
        }
        p[0] = 0x45;
        p[1] = 0;
        Ipv4Header.SetTotalLength(p, total);
        BinaryPrimitives.WriteUInt16BigEndian(p[4..], 0);
        Ipv4Header.SetFragmentField(p, 0);
        p[8] = 255;
        p[9] = Ipv4Header.ProtocolIcmp;
        Ipv4Header.SetSource(p, source);
        Ipv4Header.SetDestination(p, destination);
        Ipv4Header.UpdateChecksum(p);

        var icmp = p[Ipv4Header.MinLength..];
        icmp[0] = (byte)type;
        icmp[1] = (byte)code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], info);
        offending[..quoted].CopyTo(icmp[IcmpHeaderLength..]);
        SetChecksum(icmp);
        return buffer;
    }

    /// <summary>Recomputes the ICMP checksum over the whole ICMP message.</summary>
    public static void SetChecksum(Span<byte> icmp)
    {
        icmp[2] = 0;
        icmp[3] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Ipv4Header.InternetChecksum(icmp));
    }
}
