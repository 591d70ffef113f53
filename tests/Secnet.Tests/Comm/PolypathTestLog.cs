using Secnet.Log;

namespace Secnet.Tests.Comm;

/// <summary>A thread-safe log that keeps every line, for polypath tests.</summary>
internal sealed class PolypathTestLog : ILog
{
    private readonly List<(LogClass Class, string Text)> _lines = [];

    public bool IsEnabled(LogClass cls) => true;

    public void Log(LogClass cls, string message)
    {
        lock (_lines) _lines.Add((cls, message));
    }

    public List<(LogClass Class, string Text)> Lines
    {
        get
        {
            lock (_lines) return [.. _lines];
        }
    }

    public bool Has(LogClass cls, string text) => Lines.Contains((cls, text));
}
