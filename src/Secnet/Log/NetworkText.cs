namespace Secnet.Log;

/// <summary>
/// Bytes from the network on a log line, written as 0.6.7 writes them (observed with a crafted
/// MSG1 against Debian's secnet): printable ASCII as itself except <c>\</c>, <c>"</c> and
/// <c>'</c>, which get a backslash; tab, newline and carriage return as <c>\t</c>, <c>\n</c>,
/// <c>\r</c>; every other byte as <c>\xNN</c> (lower-case hex). So a peer cannot start a line of
/// its own or hide text in the log. (0.6.7 aborts on bytes from 0x80 up, a buffer overflow in its
/// escaper; here they get the <c>\xNN</c> it meant to write.)
/// </summary>
public static class NetworkText
{
    /// <summary>0.6.7 builds a NAK reason in an 80-byte buffer: at most 79 characters, and a longer
    /// one is cut to 76 with "..." after it.</summary>
    public const int MaxReasonLength = 79;

    private const string Ellipsis = "...";

    /// <summary><paramref name="bytes"/> escaped, in full.</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var text = new System.Text.StringBuilder(bytes.Length);
        Span<char> one = stackalloc char[4];
        foreach (var b in bytes) text.Append(one[..EscapeByte(b, one)]);
        return text.ToString();
    }

    /// <summary>
    /// <paramref name="prefix"/> then <paramref name="bytes"/> escaped, cut as 0.6.7 cuts a NAK
    /// reason, into <paramref name="destination"/> (at least <see cref="MaxReasonLength"/> chars);
    /// returns the length. Allocates nothing, so a hub can compare before it makes a string.
    /// </summary>
    public static int FormatReason(string prefix, ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (destination.Length < MaxReasonLength) throw new ArgumentException("destination too small", nameof(destination));
        Span<char> one = stackalloc char[4];
        int n = Math.Min(prefix.Length, MaxReasonLength);
        prefix.AsSpan(0, n).CopyTo(destination);
        bool cut = prefix.Length > MaxReasonLength;
        foreach (var b in bytes)
        {
            int m = EscapeByte(b, one);
            if (n + m > MaxReasonLength)
            {
                // The escaped text is cut where it falls, even inside an escape, as 0.6.7 does.
                one[..Math.Min(m, MaxReasonLength - n)].CopyTo(destination[n..]);
                cut = true;
                break;
            }
            one[..m].CopyTo(destination[n..]);
            n += m;
        }
        if (!cut) return n;
        n = MaxReasonLength - Ellipsis.Length;
        Ellipsis.CopyTo(destination[n..]);
        return MaxReasonLength;
    }

    private static int EscapeByte(byte b, Span<char> to)
    {
        switch (b)
        {
            case (byte)'\\' or (byte)'"' or (byte)'\'':
                to[0] = '\\';
                to[1] = (char)b;
                return 2;
            case (byte)'\t':
                to[0] = '\\';
                to[1] = 't';
                return 2;
            case (byte)'\n':
                to[0] = '\\';
                to[1] = 'n';
                return 2;
            case (byte)'\r':
                to[0] = '\\';
                to[1] = 'r';
                return 2;
            case >= 0x20 and < 0x7f:
                to[0] = (char)b;
                return 1;
            default:
                to[0] = '\\';
                to[1] = 'x';
                to[2] = "0123456789abcdef"[b >> 4];
                to[3] = "0123456789abcdef"[b & 15];
                return 4;
        }
    }
}
