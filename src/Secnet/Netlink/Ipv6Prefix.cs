using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Secnet.Netlink;

/// <summary>An IPv6 prefix: network (the address as a big-endian 128-bit number) and length 0..128.</summary>
public readonly record struct Ipv6Prefix(UInt128 Network, int PrefixLength)
{
    public UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - PrefixLength);

    public bool Contains(UInt128 address) => (address & Mask) == Network;

    public override string ToString() => Ipv6Address.Format(Network) + "/" + PrefixLength.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>addr/len</c>, <c>addr</c> (a /128) or <c>default</c> (::/0). On failure
    /// <paramref name="error"/> says why in the words the IPv4 list uses.</summary>
    public static bool TryParse(string text, out Ipv6Prefix prefix, out string? error)
    {
        prefix = default;
        if (text == "default")
        {
            error = null;
            return true;
        }
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string addressText = slash < 0 ? text : text[..slash];
        int length = 128;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) || length > 128))
        {
            error = $"\"{text}\": range error";
            return false;
        }
        if (!Ipv6Address.TryParse(addressText, out var network))
        {
            error = $"\"{text}\" is not a valid IPv6 subnet specification";
            return false;
        }
        prefix = new Ipv6Prefix(network, length);
        if ((network & ~prefix.Mask) != UInt128.Zero)
        {
            error = $"\"{text}\": prefix not fully contained in mask";
            return false;
        }
        error = null;
        return true;
    }
}

/// <summary>IPv6 addresses as 128-bit numbers in the netlink layer (the first byte on the wire is
/// the most significant), so a prefix test is a mask and a compare.</summary>
public static class Ipv6Address
{
    public static UInt128 Read(ReadOnlySpan<byte> sixteen) => System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(sixteen);

    public static void Write(Span<byte> sixteen, UInt128 address) => System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(sixteen, address);

    /// <summary>Only the plain textual forms of RFC 4291 (no zone, no brackets).</summary>
    public static bool TryParse(string text, out UInt128 address)
    {
        address = UInt128.Zero;
        if (text.Length == 0 || text.Contains('%', StringComparison.Ordinal) || text.Contains('[', StringComparison.Ordinal)) return false;
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!parsed.TryWriteBytes(bytes, out _)) return false;
        address = Read(bytes);
        return true;
    }

    public static UInt128 Parse(string text) =>
        TryParse(text, out var a) ? a : throw new FormatException($"\"{text}\" is not a valid IPv6 address");

    public static IPAddress ToIPAddress(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[16];
        Write(bytes, address);
        return new IPAddress(bytes);
    }

    public static string Format(UInt128 address) => ToIPAddress(address).ToString();

    /// <summary>fe80::/10: the kernel's own neighbour and router discovery on the tun.</summary>
    public static bool IsLinkLocal(UInt128 address) => (address >> 118) == 0x3fa;

    public static bool IsMulticast(UInt128 address) => (address >> 120) == 0xff;
}
