namespace Secnet.Runtime;

/// <summary>
/// secnet's main loop: one thread runs every posted action and expired timer, so protocol state
/// needs no locks. Any thread may <see cref="Post"/>; timers are a min-heap on a monotonic clock,
/// equal deadlines fire in scheduling order. An exception escaping a callback stops the loop and is
/// rethrown from <see cref="Run"/> (the top level reports it as fatal): nothing is swallowed.
/// <para>
/// Posts and timers run in the order they happened: a timer that fell due before an action was
/// posted runs before that action, however busy the loop is. Posts come from the network
/// (key-setup packets), so a flood that keeps the queue from ever emptying cannot keep
/// retransmissions, timeouts and key expiry from firing (a timer waits at most for what was
/// posted before it fell due); and a packet that arrived before a deadline is handled before
/// the timeout, even when both wait behind a long queue of key-exchange work.
/// </para>
/// </summary>
public sealed class EventLoop : IScheduler
{
    private readonly object _gate = new(); // Monitor.Wait/Pulse need an object monitor
    private readonly IMonotonicClock _clock;
    private readonly Queue<(Action Action, long PostedMs)> _posted = new();
    private readonly PriorityQueue<TimerEntry, (long Due, long Seq)> _timers = new();
    private long _timerSeq;
    private bool _stopRequested;
    private int _ownerThreadId;

    public EventLoop(IMonotonicClock? clock = null) => _clock = clock ?? SystemMonotonicClock.Instance;

    public long NowMs => _clock.NowMs;

    /// <summary>True on the thread currently inside <see cref="Run"/>.</summary>
    public bool IsOwnerThread => Volatile.Read(ref _ownerThreadId) == Environment.CurrentManagedThreadId;

    public void Post(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        lock (_gate)
        {
            _posted.Enqueue((action, _clock.NowMs));
            Monitor.PulseAll(_gate);
        }
    }

    public IDisposable Schedule(long delayMs, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var entry = new TimerEntry(this, action);
        lock (_gate)
        {
            _timers.Enqueue(entry, (_clock.NowMs + Math.Max(0, delayMs), _timerSeq++));
            Monitor.PulseAll(_gate);
        }
        return entry;
    }

    /// <summary>Makes <see cref="Run"/> return after the callback in progress (thread-safe).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopRequested = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Runs callbacks on the calling thread until <see cref="Stop"/>.</summary>
    public void Run()
    {
        Volatile.Write(ref _ownerThreadId, Environment.CurrentManagedThreadId);
        try
        {
            while (true)
            {
                var action = NextAction(wait: true);
                if (action is null)
                    return;
                action();
            }
        }
        finally
        {
            Volatile.Write(ref _ownerThreadId, 0);
            lock (_gate)
                _stopRequested = false;
        }
    }

    /// <summary>
    /// Runs what is ready now (posted actions and timers due by the clock) without waiting; for tests
    /// with a <see cref="ManualClock"/> and for draining at shutdown. Returns how many callbacks ran.
    /// </summary>
    public int RunPending()
    {
        var count = 0;
        while (NextAction(wait: false) is { } action)
        {
            action();
            count++;
        }
        return count;
    }

    private Action? NextAction(bool wait)
    {
        lock (_gate)
        {
            while (true)
            {
                if (wait && _stopRequested)
                    return null;
                var now = _clock.NowMs;
                // A due timer goes first if it fell due before the oldest post was made; on a
                // tie the post goes first, so timers re-armed with no delay cannot starve posts.
                bool posted = _posted.TryPeek(out var head);
                if (TakeTimerDueBefore(now, posted ? head.PostedMs : long.MaxValue) is { } due)
                    return due;
                if (posted)
                {
                    _posted.Dequeue();
                    return head.Action;
                }
                if (!wait)
                    return null;
                var timeout = _timers.TryPeek(out _, out var next)
                    ? (int)Math.Clamp(next.Due - now, 1, int.MaxValue)
                    : Timeout.Infinite;
                Monitor.Wait(_gate, timeout);
            }
        }
    }

    /// <summary>The earliest timer due by <paramref name="now"/> and before <paramref name="limit"/>
    /// (_gate held), or null.</summary>
    private Action? TakeTimerDueBefore(long now, long limit)
    {
        while (_timers.TryPeek(out var timer, out var key))
        {
            if (timer.Cancelled)
            {
                _timers.Dequeue();
                continue;
            }
            if (key.Due > now || key.Due >= limit)
                return null;
            _timers.Dequeue();
            timer.Fired = true;
            return timer.Action;
        }
        return null;
    }

    private sealed class TimerEntry(EventLoop loop, Action action) : IDisposable
    {
        public Action Action { get; } = action;
        public bool Cancelled { get; private set; }
        public bool Fired { get; set; }

        public void Dispose()
        {
            lock (loop._gate)
                Cancelled = true;
        }
    }
}
