using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Secnet.Comm;

/// <summary>
/// The local addresses polypath will not use (runtime.md §8), with secnet's reason texts
/// (including its "Uniqe" typo) for the <c>ignoring IF [ADDR]: REASON</c> info line.
/// </summary>
public static class PolypathAddressFilter
{
    /// <summary>Why <paramref name="address"/> is unsuitable, or null if polypath may use it.</summary>
    public static string? Reason(IPAddress address, bool permitLoopback)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? ReasonV6(b, permitLoopback)
            : ReasonV4(BinaryPrimitives.ReadUInt32BigEndian(b), permitLoopback);
    }

    private static string? ReasonV6(ReadOnlySpan<byte> b, bool permitLoopback)
    {
        var head = BinaryPrimitives.ReadUInt32BigEndian(b);
        var isZeroPrefix = BinaryPrimitives.ReadUInt64BigEndian(b) == 0;
        var tail32 = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);
        var word2 = BinaryPrimitives.ReadUInt32BigEndian(b[8..]);
        if (isZeroPrefix && word2 == 0 && tail32 == 0) return "IPv6 address is unspecified";
        if (b[0] == 0xff) return "IPv6 address is multicast";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "IPv6 address is link local";
        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "IPv6 address is site local";
        if (isZeroPrefix && word2 == 0x0000ffff) return "IPv6 address is v4-mapped";
        if (!permitLoopback && isZeroPrefix && word2 == 0 && tail32 == 1) return "IPv6 address is loopback";
        if (Matches(head, 0x01000000, 8)) return "IPv6 address is Discard-Only (RFC6666)";
        if (Matches(head, 0x20010000, 23)) return "IPv6 address is in IETF protocol block (RFC2928)";
        if (Matches(head, 0xfc000000, 7)) return "IPv6 address is Uniqe Local unicast (RFC4193)";
        return null;
    }

    private static string? ReasonV4(uint a, bool permitLoopback)
    {
        if (a == 0) return "IPv4 address is any/unspecified";
        if (a == 0xffffffff) return "IPv4 address is all hosts broadcast";
        if (Matches(a, 0xa9fe0000, 16)) return "IPv4 address is link local";
        if (Matches(a, 0xe0000000, 4)) return "IPv4 address is multicast";
        if (Matches(a, 0xc0000000, 24)) return "IPv4 address is in IETF protocol block (RFC6890)";
        if (Matches(a, 0xf0000000, 4)) return "IPv4 address is in reserved addressing block (RFC1112)";
        if (!permitLoopback && Matches(a, 0x7f000000, 8)) return "IPv4 address is loopback";
        return null;
    }

    private static bool Matches(uint word, uint prefix, int prefixLength)
    {
        var mask = ~((1u << (32 - prefixLength)) - 1);
        return (word & mask) == prefix;
    }
}
