namespace Secnet.Runtime;

/// <summary>
/// secnet's main loop: one thread runs every posted action and expired timer, so protocol state
/// needs no locks. Any thread may <see cref="Post"/>; timers are a min-heap on a monotonic clock,
/// equal deadlines fire in scheduling order. An exception escaping a callback stops the loop and is
/// rethrown from <see cref="Run"/> (the top level reports it as fatal): nothing is swallowed.
/// <para>
/// Work runs in rounds, as in secnet's poll loop (drain the socket, then every site looks at its
/// timers): a round runs the actions that were posted when it began, then the timers due by then.
/// Posts come from the network (key-setup packets), so a peer or a flood that keeps the queue
/// from ever emptying must not keep retransmissions, timeouts and key expiry from ever firing; a
/// timer waits at most one round.
/// </para>
/// </summary>
public sealed class EventLoop : IScheduler
{
    private readonly object _gate = new(); // Monitor.Wait/Pulse need an object monitor
    private readonly IMonotonicClock _clock;
    private readonly Queue<Action> _posted = new();
    private readonly PriorityQueue<TimerEntry, (long Due, long Seq)> _timers = new();
    private long _timerSeq;
    private int _roundLeft;          // posted actions still to run before this round's timers
    private long _timerPhaseLimit = -1; // timers scheduled before this (by sequence) fire now; -1: no timer phase
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
            _posted.Enqueue(action);
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
                if (_roundLeft > 0)
                {
                    _roundLeft--;
                    return _posted.Dequeue();
                }
                var now = _clock.NowMs;
                // The round's posts are done: its timers. Only those scheduled before this phase
                // began, so a timer that re-arms itself with no delay waits for the next round.
                if (_timerPhaseLimit < 0) _timerPhaseLimit = _timerSeq;
                if (TakeDueTimer(now) is { } due)
                    return due;
                _timerPhaseLimit = -1;
                if (_posted.Count > 0)
                {
                    _roundLeft = _posted.Count - 1;
                    return _posted.Dequeue();
                }
                // Nothing posted, but a timer armed during that phase may be due already.
                if (HasDueTimer(now))
                    continue;
                if (!wait)
                    return null;
                var timeout = _timers.TryPeek(out _, out var next)
                    ? (int)Math.Clamp(next.Due - now, 1, int.MaxValue)
                    : Timeout.Infinite;
                Monitor.Wait(_gate, timeout);
            }
        }
    }

    /// <summary>The earliest timer due by <paramref name="now"/> and armed before the timer phase
    /// began (_gate held), or null.</summary>
    private Action? TakeDueTimer(long now)
    {
        while (_timers.TryPeek(out var timer, out var key))
        {
            if (timer.Cancelled)
            {
                _timers.Dequeue();
                continue;
            }
            if (key.Due > now || key.Seq >= _timerPhaseLimit)
                return null;
            _timers.Dequeue();
            timer.Fired = true;
            return timer.Action;
        }
        return null;
    }

    private bool HasDueTimer(long now)
    {
        while (_timers.TryPeek(out var timer, out var key))
        {
            if (!timer.Cancelled)
                return key.Due <= now;
            _timers.Dequeue();
        }
        return false;
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
