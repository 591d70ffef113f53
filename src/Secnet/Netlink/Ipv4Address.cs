using System.Globalization;

namespace Secnet.Netlink;

/// <summary>
/// Text forms of IPv4 addresses as secnet's configuration reads and prints them. Addresses are
/// <see cref="uint"/> in host byte order throughout the netlink layer.
/// </summary>
public static class Ipv4Address
{
    public static string Format(uint address) => string.Create(CultureInfo.InvariantCulture,
        $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}");

    /// <summary>Parses <c>a.b.c.d</c> the way secnet's <c>sscanf("%u.%u.%u.%u")</c> does:
    /// whitespace before a number and trailing text are accepted. On failure
    /// <paramref name="error"/> holds secnet's message text.</summary>
    public static bool TryParse(string text, out uint address, out string? error)
    {
        var reader = new ScanfReader(text);
        int matched = reader.ReadDottedQuad(out var a, out var b, out var c, out var d);
        address = 0;
        if (matched < 4)
        {
            error = $"\"{text}\" is not a valid IP address";
            return false;
        }
        if (a > 255 || b > 255 || c > 255 || d > 255)
        {
            error = $"\"{text}\": range error";
            return false;
        }
        address = (uint)((a << 24) | (b << 16) | (c << 8) | d);
        error = null;
        return true;
    }

    /// <summary>Parses a text that must be a valid address (tests, fixed constants).</summary>
    public static uint Parse(string text) =>
        TryParse(text, out var a, out var e) ? a : throw new FormatException(e);
}
