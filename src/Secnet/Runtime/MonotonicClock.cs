using System.Diagnostics;

namespace Secnet.Runtime;

/// <summary>A millisecond clock that never goes backwards (secnet 0.6.7 uses CLOCK_MONOTONIC).</summary>
public interface IMonotonicClock
{
    long NowMs { get; }
}

/// <summary>Stopwatch is CLOCK_MONOTONIC on Linux with sub-millisecond resolution.</summary>
public sealed class SystemMonotonicClock : IMonotonicClock
{
    public static SystemMonotonicClock Instance { get; } = new();

    public long NowMs => Stopwatch.GetTimestamp() * 1000 / Stopwatch.Frequency;
}

/// <summary>A clock tests move by hand, so timer behaviour is checked without sleeping.</summary>
public sealed class ManualClock : IMonotonicClock
{
    private long _now;

    public ManualClock(long startMs = 0) => _now = startMs;

    public long NowMs => Interlocked.Read(ref _now);

    public void Advance(long ms) => Interlocked.Add(ref _now, ms);
}
