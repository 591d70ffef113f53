using Secnet.Log;

namespace Secnet.Fuzz;

/// <summary>A log that insists every line is one line of printable text: network bytes must
/// reach it escaped (issue 16's log injection).</summary>
internal sealed class PlainLineLog : ILog
{
    public static readonly PlainLineLog Instance = new();

    public bool IsEnabled(LogClass cls) => true;

    public void Log(LogClass cls, string message) => Check(message);

    public static void Check(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        foreach (var c in line)
            FuzzInvariantException.Check(c >= ' ' && c != '\x7f', $"control character {(int)c:x2} in a log line: {line}");
    }
}
