using System.Text;

namespace Secnet.Comm;

/// <summary>What a privsep record says (first byte of each SOCK_SEQPACKET message).</summary>
internal enum PolypathPrivsepKind : byte
{
    /// <summary>A monitor line for which no socket was made (removal, unwanted, unparsable).</summary>
    Line = (byte)'L',

    /// <summary>A monitor line whose socket (bound, tied to its interface) is attached.</summary>
    Socket = (byte)'S',

    /// <summary>A monitor line whose socket could not be made: line, problem, summary.</summary>
    SocketFailed = (byte)'E',

    /// <summary>The monitor exited: its wait status in decimal.</summary>
    MonitorExited = (byte)'X',

    /// <summary>The monitor's output broke or could not start: the complete problem text.</summary>
    MonitorProblem = (byte)'P',
}

/// <summary>
/// One record from the privileged helper to the daemon: a kind and up to three NUL-separated
/// UTF-8 fields. (secnet's own record is a fixed C struct; both ends here are this program, so the
/// layout only has to agree with itself.)
/// </summary>
internal readonly record struct PolypathPrivsepRecord(PolypathPrivsepKind Kind, string First, string Second = "", string Third = "")
{
    /// <summary>Large enough for a monitor line (163 bytes) and an error text.</summary>
    public const int MaxLength = 2048;

    public byte[] Encode()
    {
        var text = Encoding.UTF8.GetBytes($"{First}\0{Second}\0{Third}");
        var record = new byte[Math.Min(MaxLength, text.Length + 1)];
        record[0] = (byte)Kind;
        text.AsSpan(0, record.Length - 1).CopyTo(record.AsSpan(1));
        return record;
    }

    public static bool TryDecode(ReadOnlySpan<byte> record, out PolypathPrivsepRecord decoded)
    {
        decoded = default;
        if (record.Length == 0 || !Enum.IsDefined((PolypathPrivsepKind)record[0])) return false;
        var fields = Encoding.UTF8.GetString(record[1..]).Split('\0');
        decoded = new PolypathPrivsepRecord((PolypathPrivsepKind)record[0], fields[0],
            fields.Length > 1 ? fields[1] : "", fields.Length > 2 ? fields[2] : "");
        return true;
    }
}
