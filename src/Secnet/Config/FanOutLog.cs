using Secnet.Log;

namespace Secnet.Config;

/// <summary>A system log made of several loggers: every line goes to each of them.</summary>
public sealed class FanOutLog(IReadOnlyList<ILog> logs) : ILog
{
    public IReadOnlyList<ILog> Logs { get; } = logs;

    public bool IsEnabled(LogClass cls)
    {
        foreach (var l in Logs)
            if (l.IsEnabled(cls)) return true;
        return false;
    }

    public void Log(LogClass cls, string message)
    {
        foreach (var l in Logs)
            if (l.IsEnabled(cls)) l.Log(cls, message);
    }
}
