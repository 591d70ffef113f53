// One direction of one site's data path, as a queue of batches that leave in arrival order.
// SendPath (seal, then transmit) and ReceivePath (open, then check and deliver) are both this
// pipeline; what differs is only the job's crypto and what it hands on.
//
//   queue:  inside a PacketBatch (one tun drain, one recvmmsg) packets join the job being filled,
//           in arrival order, under the pipeline's lock; the pipeline asks the batch to call
//           FlushBatch when it closes. Outside a batch (owner thread, tests), or when the job is
//           full, the flush happens at once.
//   flush:  the job prepares itself (sequence numbers taken, keys read: still under the lock, so
//           in queue order), then either
//             here:   crypto and hand-on on the calling thread, when the job is small or there
//                     are no workers, and nothing of this site and direction is in flight; or
//             FIFO:   a big job goes to a crypto worker, a small one follows what is in flight;
//                     the jobs leave through the FIFO (OrderedCryptoQueue), oldest first, on
//                     whichever thread finished the head.
//   Either way a site's packets leave in the order they came, which is what the replay window and
//   TCP need; the crypto of different jobs (and sites) runs in parallel.
using Secnet.Packets;

namespace Secnet.Sites;

/// <summary>A job of an <see cref="OrderedBatchPipeline{TJob}"/>: the packets of one flush, their
/// crypto on any thread, and the hand-on in order.</summary>
internal abstract class PipelineJob : CryptoBatch
{
    /// <summary>Packets in the job.</summary>
    public int Count { get; protected set; }

    /// <summary>Takes what the crypto needs from the site (the pipeline's lock held, so in queue
    /// order); false if the job was dealt with here instead (no key: dropped; keys changing: every
    /// key tried one by one) and is empty again.</summary>
    public abstract bool Prepare();

    /// <summary>Transmits or delivers the finished packets, in order, inside the calling thread's
    /// batch if one is open, and empties the job for reuse.</summary>
    public abstract void HandOn();

    /// <summary>The FIFO's hand-on (any thread): a batch of its own, so the tun writes coalesce and
    /// packets routed into other tunnels are sealed together, and out of the door when this
    /// returns, or a later job, handed on by a worker, would overtake it. Inside a batch the
    /// packet thread has open that means flushing that batch's queues now.</summary>
    public sealed override void Emit()
    {
        bool nested = PacketBatch.IsOpen;
        PacketBatch.Begin();
        HandOn();
        if (nested) PacketBatch.FlushPending();
        PacketBatch.End();
    }
}

/// <summary>
/// One site's packets in one direction: a lock, the job being filled, and the FIFO of jobs in
/// flight on crypto workers (see the file header). The job and the FIFO are made with the first
/// packet, not with the site: a hub has many sites and most are idle.
/// </summary>
internal abstract class OrderedBatchPipeline<TJob> : BatchStage where TJob : PipelineJob
{
    /// <summary>Most packets per job: enough for several SIMD batches and a worthwhile sendmmsg,
    /// small enough that a long tun drain still sends steadily.</summary>
    internal const int MaxBatch = 32;

    /// <summary>Fewest packets worth a worker's wake-up: one full set of SIMD lanes.</summary>
    internal const int MinWorkerBatch = 8;

    /// <summary>Most jobs in flight on the workers: a packet thread that reads faster than they
    /// seal then does crypto itself instead of queueing without end.</summary>
    internal const int MaxBatchesInFlight = 8;

    private TJob? _queue;
    private bool _deferred;
    private OrderedCryptoQueue<TJob>? _inFlight; // only with Workers; null: nothing ever in flight

    /// <summary>Held while packets join the queue and while it is flushed.</summary>
    internal Lock Gate { get; } = new();

    /// <summary>Threads that do the crypto of big jobs; none: everything on the calling thread.</summary>
    internal CryptoWorkerPool? Workers { get; set; }

    protected abstract TJob NewJob();

    /// <summary>The job being filled (<see cref="Gate"/> held): one that has left the FIFO if
    /// there is one, so steady traffic allocates nothing.</summary>
    protected TJob Queue => _queue ??= _inFlight?.RentSpare() ?? NewJob();

    /// <summary>After a packet joined <see cref="Queue"/> (<see cref="Gate"/> held): flushes now
    /// when the job is full or no batch is open, else when the batch closes.</summary>
    protected void Queued()
    {
        if (_queue!.Count < MaxBatch && (_deferred || (_deferred = PacketBatch.Defer(this)))) return;
        FlushBatch();
    }

    /// <summary>Prepares the queued job and runs it here or starts it through the FIFO.</summary>
    public sealed override void FlushBatch()
    {
        lock (Gate)
        {
            _deferred = false;
            var job = _queue;
            if (job is null || job.Count == 0) return;
            // Taken out first: handing a job on flushes the batch it runs in, which calls this
            // again (the lock is re-entrant), and that call must find nothing queued.
            _queue = null;
            bool toWorker = Workers is not null && job.Count >= MinWorkerBatch;
            // Without workers nothing is ever in flight: no need to look (a lock) per lone packet.
            if (!job.Prepare() || (!toWorker && (Workers is null || (_inFlight?.IsEmpty ?? true))))
            {
                if (job.Count > 0)
                {
                    job.CryptoOrFail();
                    job.HandOn();
                }
                _queue ??= job;
                return;
            }
            var fifo = _inFlight;
            if (fifo is null)
            {
                fifo = new OrderedCryptoQueue<TJob>();
                // WaitUntilIdle reads it without the lock.
                Volatile.Write(ref _inFlight, fifo);
            }
            if (toWorker) fifo.WaitUntilFewerThan(MaxBatchesInFlight);
            fifo.Start(job, toWorker ? Workers : null);
        }
    }

    /// <summary>Waits until no job of this pipeline is in flight, so what is handed on next cannot
    /// overtake one (a key change, a close message). Any thread; with <see cref="Gate"/> held no
    /// new job can start meanwhile.</summary>
    internal void WaitUntilIdle() => Volatile.Read(ref _inFlight)?.WaitUntilEmpty();
}
