using System.Net;
using System.Net.Sockets;

namespace Secnet.Comm;

/// <summary>One address change reported by the interface monitor.</summary>
public sealed record InterfaceChange(bool Add, string InterfaceName, string AddressText, IPAddress Address, string Line);

/// <summary>
/// Parses the interface monitor's lines <c>&lt;+|-&gt;&lt;4|6&gt;[anything] IFNAME ADDRESS</c>
/// (runtime.md §8). Only the first two characters are significant before the first space; the
/// address is everything after the second space and must be a literal of the announced family.
/// </summary>
public static class InterfaceMonitorLine
{
    private const string ProblemPrefix = "error processing polypath state change: ";

    /// <summary>
    /// Parses <paramref name="line"/> (without its newline). On failure <paramref name="warning"/>
    /// is secnet's complete warning text, e.g. <c>error processing polypath state change: bad
    /// proto (while processing `+5 eth0 192.0.2.1')</c>.
    /// </summary>
    public static bool TryParse(string line, out InterfaceChange? change, out string? warning)
    {
        ArgumentNullException.ThrowIfNull(line);
        change = null;
        warning = null;
        bool add;
        if (line.Length > 0 && line[0] == '+') add = true;
        else if (line.Length > 0 && line[0] == '-') add = false;
        else return Bad(line, "bad +/-", out warning);

        AddressFamily family;
        if (line.Length > 1 && line[1] == '4') family = AddressFamily.InterNetwork;
        else if (line.Length > 1 && line[1] == '6') family = AddressFamily.InterNetworkV6;
        else return Bad(line, "bad proto", out warning);

        var firstSpace = line.IndexOf(' ', 2);
        if (firstSpace < 0) return Bad(line, "no first space", out warning);
        var secondSpace = line.IndexOf(' ', firstSpace + 1);
        if (secondSpace < 0) return Bad(line, "no second space", out warning);

        var name = line[(firstSpace + 1)..secondSpace];
        var addressText = line[(secondSpace + 1)..];
        if (!TryParseAddressLiteral(addressText, out var address))
        {
            // secnet's perror form: the errno text (EINVAL) goes after the whole message.
            warning = $"{ProblemPrefix}adns_text2addr (while processing `{line}'): Invalid argument";
            return false;
        }
        if (address.AddressFamily != family) return Bad(line, "address family mismatch", out warning);
        change = new InterfaceChange(add, name, addressText, address, line);
        return true;
    }

    /// <summary>An IPv4 dotted quad of exactly four decimal parts (no leading zeros, as inet_pton)
    /// or an IPv6 literal without brackets.</summary>
    public static bool TryParseAddressLiteral(string text, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            if (text.Contains('[') || text.Contains(' ')) return false;
            if (!IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6) return false;
            address = v6;
            return true;
        }
        Span<byte> bytes = stackalloc byte[4];
        var parts = 0;
        var i = 0;
        while (parts < 4)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                value = value * 10 + (text[i] - '0');
                if (value > 255 || i - start >= 3) return false;
                i++;
            }
            var digits = i - start;
            if (digits == 0 || (digits > 1 && text[start] == '0')) return false;
            bytes[parts++] = (byte)value;
            if (parts < 4)
            {
                if (i >= text.Length || text[i] != '.') return false;
                i++;
            }
        }
        if (i != text.Length) return false;
        address = new IPAddress(bytes);
        return true;
    }

    private static bool Bad(string line, string problem, out string? warning)
    {
        warning = $"{ProblemPrefix}{problem} (while processing `{line}')";
        return false;
    }
}
