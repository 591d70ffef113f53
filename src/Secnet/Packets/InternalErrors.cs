using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Packets;

/// <summary>
/// Exceptions caught at a batch boundary of the data path (the packet loop's turn for one source,
/// a batch's crypto, a worker's hand-on). None should happen: parsers and transforms report bad
/// input as results. But a bug reached by one crafted packet must cost that batch, not the whole
/// daemon and every tunnel in it. So the batch is dropped, the error counted, and a line logged
/// at most every ten seconds (with the stack trace when debug logging is on). A
/// <see cref="SecnetFatalException"/> or running out of memory still ends the daemon.
/// </summary>
public static class InternalErrors
{
    private const long LogIntervalMs = 10_000;

    private static ILog? s_log;
    // Far enough in the past that the first error is logged, near enough that now minus it
    // cannot overflow.
    private const long NeverLoggedMs = long.MinValue / 2;

    private static long s_total, s_unreported, s_lastLogMs = NeverLoggedMs;

    /// <summary>Where the lines go (the daemon's log, set at start-up); none: only counted.</summary>
    public static void Attach(ILog log) => Volatile.Write(ref s_log, log);

    /// <summary>Exceptions caught so far.</summary>
    public static long Total => Interlocked.Read(ref s_total);

    /// <summary>False for what must still end the process.</summary>
    public static bool Recoverable(Exception e) => e is not (SecnetFatalException or OutOfMemoryException);

    /// <summary>Lets the next error be logged at once (tests).</summary>
    internal static void ResetRateLimit() => Interlocked.Exchange(ref s_lastLogMs, NeverLoggedMs);

    public static void Report(string where, Exception e)
    {
        long total = Interlocked.Increment(ref s_total);
        long unreported = Interlocked.Increment(ref s_unreported);
        long now = Environment.TickCount64;
        long last = Interlocked.Read(ref s_lastLogMs);
        if (now - last < LogIntervalMs || Interlocked.CompareExchange(ref s_lastLogMs, now, last) != last) return;
        Interlocked.Add(ref s_unreported, -unreported);
        if (Volatile.Read(ref s_log) is not { } log) return;
        string detail = log.IsEnabled(LogClass.Debug) ? e.ToString() : $"{e.GetType().Name}: {e.Message}";
        log.Log(LogClass.Error, $"internal error in {where}, batch dropped ({unreported} since the last report, {total} in all): {detail}");
    }
}
