using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>
/// RFC 1071 ones-complement sums for the offload paths, where whole 64 KiB payloads are summed:
/// eight bytes per step into a 64-bit accumulator, folded to 16 bits only at the end. Sums are
/// "partial" (not folded, not complemented) so that a pseudo-header, a header and a payload can
/// be added separately.
/// </summary>
public static class InternetChecksum
{
    public const byte ProtocolTcp = 6;

    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words (odd tail padded with
    /// zero) to <paramref name="sum"/>.</summary>
    public static ulong Add(ReadOnlySpan<byte> data, ulong sum = 0)
    {
        int i = 0;
        // Two 32-bit halves per step keep the accumulator far from overflow (2^32 steps).
        for (; i + 8 <= data.Length; i += 8)
        {
            var word = BinaryPrimitives.ReadUInt64BigEndian(data[i..]);
            sum += (word >> 32) + (word & 0xffffffff);
        }
        for (; i + 2 <= data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if (i < data.Length) sum += (uint)data[i] << 8;
        return sum;
    }

    /// <summary>Folds a partial sum to 16 bits (not complemented).</summary>
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xffffffff) + (sum >> 32);
        sum = (sum & 0xffffffff) + (sum >> 32);
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The IPv4 pseudo-header of a transport segment of <paramref name="length"/> bytes,
    /// taking the addresses from the IPv4 header <paramref name="ip"/>.</summary>
    public static ulong PseudoHeader(ReadOnlySpan<byte> ip, byte protocol, int length) =>
        Add(ip.Slice(12, 8)) + protocol + (uint)length;

    /// <summary>The finished checksum (folded, complemented) of data plus a partial sum.</summary>
    public static ushort Complete(ReadOnlySpan<byte> data, ulong partial = 0) => (ushort)~Fold(Add(data, partial));

    /// <summary>True when a TCP segment (<paramref name="tcp"/>: header and payload, checksum in
    /// place) carried in the IPv4 header <paramref name="ip"/> has a correct checksum.</summary>
    public static bool TcpChecksumValid(ReadOnlySpan<byte> ip, ReadOnlySpan<byte> tcp) =>
        Fold(Add(tcp, PseudoHeader(ip, ProtocolTcp, tcp.Length))) == 0xffff;

    /// <summary>Finishes a CHECKSUM_PARTIAL packet: the field at start+offset holds the
    /// pseudo-header sum; the complemented sum from <paramref name="start"/> to the end replaces
    /// it. False (packet untouched) when the positions do not fit the packet.</summary>
    public static bool TryCompletePartial(Span<byte> packet, int start, int offset)
    {
        if (start < 0 || offset < 0 || start + offset + 2 > packet.Length) return false;
        var field = packet.Slice(start + offset, 2);
        var value = (ushort)~Fold(Add(packet[start..]));
        // As the kernel's skb_checksum_help: a zero result is sent as 0xffff, which UDP needs
        // (0 means "no checksum") and TCP treats as the same value.
        if (value == 0) value = 0xffff;
        BinaryPrimitives.WriteUInt16BigEndian(field, value);
        return true;
    }
}
