using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>Field access for the fixed IPv6 header (RFC 8200) in a span.</summary>
internal static class Ipv6Header
{
    public const int Length = 40;
    public const byte NextHeaderIcmpv6 = 58;

    public static int PayloadLength(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt16BigEndian(p[4..]);
    public static byte NextHeader(ReadOnlySpan<byte> p) => p[6];
    public static byte HopLimit(ReadOnlySpan<byte> p) => p[7];
    public static UInt128 Source(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt128BigEndian(p[8..]);
    public static UInt128 Destination(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadUInt128BigEndian(p[24..]);

    public static void SetPayloadLength(Span<byte> p, int length) => BinaryPrimitives.WriteUInt16BigEndian(p[4..], (ushort)length);
    public static void SetSource(Span<byte> p, UInt128 a) => BinaryPrimitives.WriteUInt128BigEndian(p[8..], a);
    public static void SetDestination(Span<byte> p, UInt128 a) => BinaryPrimitives.WriteUInt128BigEndian(p[24..], a);

    /// <summary>The partial sum of the RFC 8200 §8.1 pseudo-header of an upper-layer message of
    /// <paramref name="length"/> bytes (addresses taken from <paramref name="ip"/>).</summary>
    public static ulong PseudoHeader(ReadOnlySpan<byte> ip, byte nextHeader, int length) =>
        InternetChecksum.Add(ip.Slice(8, 32)) + (uint)length + nextHeader;
}

/// <summary>The outcome of the IPv6 checks. There is no header checksum in IPv6; what can be
/// wrong is the length, the version, and a payload length that disagrees with the packet
/// (jumbograms, payload length 0 with a hop-by-hop option, are not carried).</summary>
internal readonly record struct Ipv6Validation(Ipv6Validation.Failure Kind, int A = 0, int B = 0)
{
    public enum Failure
    {
        None,
        TooShort,
        Version,
        LengthMismatch,
    }

    public bool IsValid => Kind == Failure.None;

    public static Ipv6Validation Check(ReadOnlySpan<byte> p)
    {
        if (p.Length < Ipv6Header.Length) return new(Failure.TooShort, p.Length);
        int version = p[0] >> 4;
        if (version != 6) return new(Failure.Version, version);
        int total = Ipv6Header.PayloadLength(p) + Ipv6Header.Length;
        if (p.Length != total) return new(Failure.LengthMismatch, p.Length, total);
        return new(Failure.None);
    }

    public string Reason() => Kind switch
    {
        Failure.TooShort => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"len {A}"),
        Failure.Version => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"version {A}"),
        Failure.LengthMismatch => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"packet size {A} != payload length + 40 = {B}"),
        _ => "ok",
    };
}
