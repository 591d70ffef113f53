using System.Buffers.Binary;
using Secnet.Netlink;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// Optional repairs a harness applies before handing bytes over, so that the fuzzer gets past the
/// length and checksum gates into the code behind them (a random checksum is right 1 in 65536).
/// </summary>
internal static class PacketFixups
{
    /// <summary>Sets the IPv4 total length to the buffer's and recomputes the header checksum.</summary>
    public static void FixIpv4(Span<byte> p)
    {
        if (p.Length < Ipv4Header.MinLength || p.Length > ushort.MaxValue) return;
        Ipv4Header.SetTotalLength(p, p.Length);
        int ihl = Ipv4Header.HeaderLength(p);
        if (ihl >= Ipv4Header.MinLength && ihl <= p.Length) Ipv4Header.UpdateChecksum(p);
    }

    /// <summary>Also makes the TCP checksum right when the header lengths fit (IPv4, or IPv6 with
    /// TCP right after the fixed header).</summary>
    public static void FixTcp(Span<byte> p)
    {
        if (p.Length >= Ipv6Header.Length + 20 && p[0] >> 4 == 6)
        {
            // IPv6: payload length to the buffer's, then the TCP checksum behind the fixed header.
            if (p.Length - Ipv6Header.Length > ushort.MaxValue) return;
            Ipv6Header.SetPayloadLength(p, p.Length - Ipv6Header.Length);
            var tcp6 = p[Ipv6Header.Length..];
            tcp6[16] = 0;
            tcp6[17] = 0;
            var sum6 = InternetChecksum.Complete(tcp6, Ipv6Header.PseudoHeader(p, InternetChecksum.ProtocolTcp, tcp6.Length));
            BinaryPrimitives.WriteUInt16BigEndian(tcp6[16..], sum6);
            return;
        }
        FixIpv4(p);
        if (p.Length < Ipv4Header.MinLength + 20) return;
        int ihl = Ipv4Header.HeaderLength(p);
        if (ihl < Ipv4Header.MinLength || p.Length < ihl + 20) return;
        var tcp = p[ihl..];
        tcp[16] = 0;
        tcp[17] = 0;
        var sum = InternetChecksum.Complete(tcp, InternetChecksum.PseudoHeader(p, InternetChecksum.ProtocolTcp, tcp.Length));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], sum);
    }

    /// <summary>True if the TCP checksum of an IPv4 packet (any header length) is right.</summary>
    public static bool TcpChecksumRight(ReadOnlySpan<byte> p)
    {
        int ihl = Ipv4Header.HeaderLength(p);
        return InternetChecksum.TcpChecksumValid(p[..ihl], p[ihl..]);
    }

    /// <summary>The TCP checksum of an IPv6 packet whose TCP header follows the fixed header.</summary>
    public static bool Tcp6ChecksumRight(ReadOnlySpan<byte> p) =>
        InternetChecksum.Fold(InternetChecksum.Add(p[Ipv6Header.Length..],
            Ipv6Header.PseudoHeader(p, InternetChecksum.ProtocolTcp, p.Length - Ipv6Header.Length))) == 0xffff;

    /// <summary>The TCP checksum of an IPv4 or (plain-header) IPv6 packet.</summary>
    public static bool AnyTcpChecksumRight(ReadOnlySpan<byte> p) =>
        p.Length > 0 && p[0] >> 4 == 6 ? Tcp6ChecksumRight(p) : TcpChecksumRight(p);
}
