namespace Secnet.Log;

/// <summary>
/// The process-wide log: the timestamped startup log on stderr until the <c>system/log</c>
/// closure is installed, that closure afterwards (runtime.md §3.1). Safe to use from any thread.
/// </summary>
public sealed class SystemLog : ILog
{
    private volatile ILog _current;

    public SystemLog(ILog startup) => _current = startup;

    public ILog Current => _current;

    /// <summary>Switches every later line to <paramref name="log"/>.</summary>
    public void Install(ILog log) => _current = log;

    public bool IsEnabled(LogClass cls) => _current.IsEnabled(cls);

    public void Log(LogClass cls, string message) => _current.Log(cls, message);
}
