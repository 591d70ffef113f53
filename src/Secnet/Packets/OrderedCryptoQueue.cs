namespace Secnet.Packets;

/// <summary>
/// A batch whose crypto may finish on any thread but whose result must leave in order, through
/// the <see cref="OrderedCryptoQueue{T}"/> it was started on. This class keeps the one protocol
/// every such batch follows: the crypto is claimed exactly once (by a worker, the thread that
/// started the batch, or a thread waiting for the queue), <see cref="Done"/> is set after it, and
/// a worker that did it hands the finished batches on. Subclasses fill themselves, then
/// <see cref="OrderedCryptoQueue{T}.Start"/> arms them.
/// </summary>
public abstract class CryptoBatch
{
    private int _claimed = 1;
    private volatile bool _done;
    private Action? _emitReady;

    /// <summary>True once the crypto is done (set by the thread that did it).</summary>
    public bool Done => _done;

    /// <summary>Takes the crypto for the calling thread: true once per start of the batch.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Does the crypto (after a successful <see cref="TryClaim"/>) and sets <see cref="Done"/>.</summary>
    public void Process()
    {
        CryptoOrFail();
        _done = true;
    }

    /// <summary>The crypto; an exception (a bug: crypto reports bad input as results) fails every
    /// packet of the batch rather than ending the process (<see cref="InternalErrors"/>).</summary>
    public void CryptoOrFail()
    {
        try
        {
            Crypto();
        }
        catch (Exception e) when (InternalErrors.Recoverable(e))
        {
            FailAll();
            InternalErrors.Report("the data path's crypto", e);
        }
    }

    /// <summary>Marks every packet of the batch as failed, so that hand-on drops them.</summary>
    protected internal abstract void FailAll();

    /// <summary>A worker's turn (<see cref="CryptoWorkerPool"/>): the crypto unless someone claimed
    /// it first, then whatever of the queue can leave. Never throws: failures are per-packet
    /// results, and exceptions are caught and counted.</summary>
    public void Run()
    {
        if (TryClaim()) Process();
        try
        {
            _emitReady?.Invoke();
        }
        catch (Exception e) when (InternalErrors.Recoverable(e))
        {
            // On a worker thread nothing else would catch it, and the process would end.
            InternalErrors.Report("a crypto worker's hand-on", e);
        }
    }

    /// <summary>Makes the filled batch claimable. Last step before it is queued: a stale pool entry
    /// for this (recycled) batch may claim it from here on.</summary>
    internal void Arm(Action emitReady)
    {
        _emitReady = emitReady;
        _done = false;
        Volatile.Write(ref _claimed, 0);
    }

    /// <summary>The crypto itself; any thread, no locks. Called directly (without
    /// <see cref="Process"/>) for a batch that never enters a queue.</summary>
    protected internal abstract void Crypto();

    /// <summary>Hands the finished batch on (transmit, deliver) and clears it for reuse; called
    /// once, in queue order, by one thread at a time.</summary>
    public abstract void Emit();
}

/// <summary>
/// One site's batches in flight in one direction, oldest first. Whoever finishes a batch calls
/// <see cref="EmitReady"/>: the finished batches at the head leave in order on that thread, and a
/// batch that finished early waits for the ones before it. A batch stays at the head while it is
/// being emitted, so <see cref="IsEmpty"/> means nothing is in flight or leaving and the caller
/// may send or deliver directly without overtaking anything.
/// </summary>
public sealed class OrderedCryptoQueue<T> where T : CryptoBatch
{
    // Made once, so arming a batch (once per batch) allocates nothing.
    private readonly Action _emitReady;
    private readonly object _gate = new();
    private readonly Queue<T> _batches = new(16);
    private readonly Stack<T> _spares = new();
    private bool _emitting;
    private int _waiters;

    public OrderedCryptoQueue() => _emitReady = EmitReady;

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

    /// <summary>A batch that has left, to fill again (none: the caller makes one).</summary>
    public T? RentSpare()
    {
        lock (_gate) return _spares.TryPop(out var spare) ? spare : null;
    }

    /// <summary>Appends a filled batch; callers add in the order the batches must leave.</summary>
    public void Add(T batch)
    {
        batch.Arm(_emitReady);
        lock (_gate) _batches.Enqueue(batch);
    }

    /// <summary>Appends a filled batch and starts its crypto: on <paramref name="workers"/> if
    /// given and running, else here, followed by whatever can leave.</summary>
    public void Start(T batch, CryptoWorkerPool? workers)
    {
        Add(batch);
        if (workers is not null && workers.Submit(batch)) return;
        if (batch.TryClaim()) batch.Process();
        EmitReady();
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
                    _spares.Push(_batches.Dequeue());
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
