using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>Field access and checksums for IPv4 headers in a span (network byte order on the wire).</summary>
internal static class Ipv4Header
{
    public const int MinLength = 20;
    public const int FlagMoreFragments = 0x2000;
    public const int FlagDontFragment = 0x4000;
    public const int OffsetMask = 0x1fff;
    public const byte ProtocolIcmp = 1;

    public static int Version(ReadOnlySpan<byte> p) => p[0] >> 4;
    public static int Ihl(ReadOnlySpan<byte> p) => p[0] & 0x0f;
    public static int HeaderLength(ReadOnlySpan<byte> p) => (p[0] & 0x0f) * 4;
    public static int TotalLength(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt16BigEndian(p[2..]);
    public static int FragmentField(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt16BigEndian(p[6..]);
    public static byte Ttl(ReadOnlySpan<byte> p) => p[8];
    public static byte Protocol(ReadOnlySpan<byte> p) => p[9];
    public static uint Source(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt32BigEndian(p[12..]);
    public static uint Destination(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt32BigEndian(p[16..]);

    public static void SetTotalLength(Span<byte> p, int length) => BinaryPrimitives.WriteUInt16BigEndian(p[2..], (ushort)length);
    public static void SetFragmentField(Span<byte> p, int value) => BinaryPrimitives.WriteUInt16BigEndian(p[6..], (ushort)value);
    public static void SetSource(Span<byte> p, uint a) => BinaryPrimitives.WriteUInt32BigEndian(p[12..], a);
    public static void SetDestination(Span<byte> p, uint a) => BinaryPrimitives.WriteUInt32BigEndian(p[16..], a);

    /// <summary>Recomputes the header checksum over IHL×4 bytes.</summary>
    public static void UpdateChecksum(Span<byte> p)
    {
        p[10] = 0;
        p[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(p[10..], InternetChecksum(p[..HeaderLength(p)]));
    }

    /// <summary>RFC 1071 checksum (already complemented); 0 over data that includes a valid checksum.</summary>
    public static ushort InternetChecksum(ReadOnlySpan<byte> data) => Secnet.Netlink.InternetChecksum.Complete(data);
}
