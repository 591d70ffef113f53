namespace Secnet.Runtime;

/// <summary>
/// The single owner thread of protocol state (secnet's main loop). Everything that touches a
/// site's state machine runs through this, so that state needs no locks. Tests use a manual clock.
/// </summary>
public interface IScheduler
{
    /// <summary>Monotonic milliseconds.</summary>
    long NowMs { get; }

    /// <summary>Runs <paramref name="action"/> on the owner thread soon (thread-safe).</summary>
    void Post(Action action);

    /// <summary>Runs <paramref name="action"/> on the owner thread after the delay; dispose to cancel.</summary>
    IDisposable Schedule(long delayMs, Action action);
}
