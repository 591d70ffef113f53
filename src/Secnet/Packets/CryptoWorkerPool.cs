namespace Secnet.Packets;

/// <summary>
/// Threads that seal and open whole batches for the sites while the packet thread goes back to
/// its descriptors (wireguard-go's encryption/decryption queues). The pool knows nothing of order:
/// each site keeps its batches in a FIFO and hands them on only in that order
/// (<see cref="OrderedCryptoQueue{T}"/>), so a batch that finishes early waits for the ones before
/// it. No allocation per item once the queue has grown.
/// </summary>
public sealed class CryptoWorkerPool : IDisposable
{
    // A monitor, not a Lock: the workers wait on it.
    private readonly object _gate = new();
    private readonly Queue<CryptoBatch> _work = new(64);
    private readonly Thread[] _threads;
    private int _idle;
    private bool _stopping;

    public CryptoWorkerPool(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new Thread[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"secnet crypto {i}" };
            _threads[i].Start();
        }
    }

    public int Threads => _threads.Length;

    /// <summary>The default size: a worker for every core beyond the packet thread's, at most 8.
    /// With two cores or fewer there is none to spare (the kernel's share of the data path, the
    /// other daemon or the application need that core), and batches are sealed on the packet
    /// thread.</summary>
    public static int DefaultThreads(int processors) => processors <= 2 ? 0 : Math.Min(processors - 1, 8);

    /// <summary>Queues <paramref name="work"/>; false once the pool is stopping (the caller then
    /// runs it itself).</summary>
    public bool Submit(CryptoBatch work)
    {
        lock (_gate)
        {
            if (_stopping) return false;
            _work.Enqueue(work);
            if (_idle > 0) Monitor.Pulse(_gate);
        }
        return true;
    }

    private void Work()
    {
        while (true)
        {
            CryptoBatch work;
            lock (_gate)
            {
                while (_work.Count == 0)
                {
                    if (_stopping) return;
                    _idle++;
                    Monitor.Wait(_gate);
                    _idle--;
                }
                work = _work.Dequeue();
            }
            work.Run();
        }
    }

    /// <summary>Finishes what is queued, then stops the threads.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping) return;
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (var t in _threads)
            if (t != Thread.CurrentThread) t.Join();
    }
}
