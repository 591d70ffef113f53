using System.Text;

namespace Secnet.Log;

/// <summary>Shared pieces of secnet's log line layout (runtime.md §4.2).</summary>
public static class LogText
{
    /// <summary>secnet assembles each line in a 1023-byte buffer; longer text is cut.</summary>
    public const int MaxLineBytes = 1023;

    private static readonly string[] Months =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>"Mon DD HH:MM:SS " (English month, space-padded day, no year), like strftime "%b %e %T ".</summary>
    public static string Timestamp(DateTime local) =>
        $"{Months[local.Month - 1]} {local.Day,2} {local.Hour:D2}:{local.Minute:D2}:{local.Second:D2} ";

    /// <summary>
    /// Splits a message into the lines secnet would emit (it emits a record per newline) and cuts
    /// each to <see cref="MaxLineBytes"/> bytes of UTF-8 without splitting a character.
    /// </summary>
    public static IEnumerable<string> Lines(string message)
    {
        var start = 0;
        while (start <= message.Length)
        {
            var nl = message.IndexOf('\n', start);
            var end = nl < 0 ? message.Length : nl;
            if (nl < 0 && end == start && start > 0)
                yield break;
            yield return Cut(message[start..end]);
            if (nl < 0)
                yield break;
            start = nl + 1;
        }
    }

    public static string Cut(string line)
    {
        if (line.Length <= MaxLineBytes / 3 || Encoding.UTF8.GetByteCount(line) <= MaxLineBytes)
            return line;
        var bytes = 0;
        var i = 0;
        while (i < line.Length)
        {
            var width = char.IsHighSurrogate(line[i]) && i + 1 < line.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, width));
            if (bytes + size > MaxLineBytes)
                break;
            bytes += size;
            i += width;
        }
        return line[..i];
    }
}
