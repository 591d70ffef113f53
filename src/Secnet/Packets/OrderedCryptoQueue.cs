namespace Secnet.Packets;

/// <summary>A batch whose crypto may finish on any thread but whose result must leave in order.</summary>
public interface IOrderedBatch
{
    /// <summary>True once the crypto is done (set by the thread that did it).</summary>
    bool Done { get; }

    /// <summary>Takes the crypto for the calling thread: true once per batch, whichever of a
    /// worker, the submitting thread or a waiter asks first.</summary>
    bool TryClaim();

    /// <summary>Does the crypto (after a successful <see cref="TryClaim"/>) and sets <see cref="Done"/>.</summary>
    void Process();

    /// <summary>Hands the finished batch on (transmit, deliver) and recycles it; called once, in
    /// queue order, by one thread at a time.</summary>
    void Emit();
}

/// <summary>
/// One site's batches in flight in one direction, oldest first. Whoever finishes a batch calls
/// <see cref="EmitReady"/>: the finished batches at the head leave in order on that thread, and a
/// batch that finished early waits for the ones before it. A batch stays at the head while it is
/// being emitted, so <see cref="IsEmpty"/> means nothing is in flight or leaving and the caller
/// may send or deliver directly without overtaking anything.
/// </summary>
public sealed class OrderedCryptoQueue<T> where T : class, IOrderedBatch
{
    private readonly object _gate = new();
    private readonly Queue<T> _batches = new(16);
    private bool _emitting;
    private int _waiters;

    public bool IsEmpty
    {
        get
        {
            lock (_gate) return _batches.Count == 0;
        }
    }

    /// <summary>Batches in flight or leaving.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _batches.Count;
        }
    }

    /// <summary>Appends a batch; callers add in the order the batches must leave.</summary>
    public void Add(T batch)
    {
        lock (_gate) _batches.Enqueue(batch);
    }

    /// <summary>Emits finished batches from the head until one is unfinished; returns at once if
    /// another thread is emitting (it looks at the head again after each batch).</summary>
    public void EmitReady()
    {
        while (true)
        {
            T head;
            lock (_gate)
            {
                if (_emitting || _batches.Count == 0 || !_batches.Peek().Done) return;
                head = _batches.Peek();
                _emitting = true;
            }
            try
            {
                head.Emit();
            }
            finally
            {
                lock (_gate)
                {
                    _batches.Dequeue();
                    _emitting = false;
                    if (_waiters > 0) Monitor.PulseAll(_gate);
                }
            }
        }
    }

    /// <summary>Waits until every batch has left (a key change, a close message).</summary>
    public void WaitUntilEmpty() => WaitUntilFewerThan(1);

    /// <summary>Waits until fewer than <paramref name="count"/> batches are in flight: the bound
    /// that keeps a packet thread from queueing faster than the workers seal. It does the crypto
    /// of batches no worker has started yet itself (so the waiting thread works rather than
    /// idles, and never waits for a worker that is blocked behind a lock the caller holds), and
    /// polls for the rest.</summary>
    public void WaitUntilFewerThan(int count)
    {
        while (true)
        {
            T? unclaimed = null;
            lock (_gate)
            {
                if (_batches.Count < count) return;
                foreach (var b in _batches)
                {
                    if (!b.TryClaim()) continue;
                    unclaimed = b;
                    break;
                }
                if (unclaimed is null && (_emitting || !_batches.Peek().Done))
                {
                    // A worker has the head: sleep until a batch leaves (the timeout only guards
                    // against a missed wake-up).
                    _waiters++;
                    Monitor.Wait(_gate, 10);
                    _waiters--;
                    continue;
                }
            }
            unclaimed?.Process();
            EmitReady();
        }
    }
}
