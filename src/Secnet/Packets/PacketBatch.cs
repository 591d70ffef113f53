namespace Secnet.Packets;

/// <summary>A stage that holds packets back while a batch is open and processes them all at once
/// when the batch closes (see <see cref="PacketBatch"/>). An abstract class rather than an
/// interface: the close calls several kinds of stage from one place, where an interface call
/// goes through the runtime's resolve stub, a cache miss when the path is cold (a lone ping).</summary>
public abstract class BatchStage
{
    /// <summary>Processes everything held back; called on the thread that closes the batch.</summary>
    public abstract void FlushBatch();
}

/// <summary>
/// A batch of packets handled by one I/O thread per wake-up (a drain of the tun device, one
/// recvmmsg): between <see cref="Begin"/> and <see cref="End"/> the methods named Queue*
/// (SendPath.QueueSeal, ReceivePath.QueueOpen, TunPacketPump.QueueWrite) only queue packets and
/// register with <see cref="Defer"/>; <see cref="End"/>, called in straight-line code by whoever
/// began the batch, flushes them in registration order, so the crypto and the syscalls see whole
/// batches. Outside a batch, stages process each packet at once (owner thread, tests). Per
/// thread, no locks, no allocation once the list has grown.
/// </summary>
public static class PacketBatch
{
    [ThreadStatic]
    private static int t_depth;

    /// <summary>The deferred stages, wrapped so that storing one needs no array covariance check.</summary>
    private struct Deferred
    {
        public BatchStage Stage;
    }

    [ThreadStatic]
    private static Deferred[]? t_deferred;

    [ThreadStatic]
    private static int t_count;

    /// <summary>True while the calling thread is inside <see cref="Begin"/>/<see cref="End"/>.</summary>
    public static bool IsOpen => t_depth > 0;

    public static void Begin() => t_depth++;

    /// <summary>Asks for <see cref="BatchStage.FlushBatch"/> when the calling thread's batch closes;
    /// false (and nothing registered) when no batch is open.</summary>
    public static bool Defer(BatchStage stage)
    {
        if (t_depth == 0) return false;
        var deferred = t_deferred ??= new Deferred[8];
        int n = t_count;
        if (n == deferred.Length) Array.Resize(ref t_deferred, n * 2);
        t_deferred![n].Stage = stage;
        t_count = n + 1;
        return true;
    }

    /// <summary>Flushes every stage deferred so far on this thread, now, and leaves the batch open.
    /// For work that must be out of the door before the caller returns although an enclosing batch
    /// is still open (a crypto batch that leaves in order). Stages flush idempotently, so the ones
    /// flushed here run again, with nothing to do, when the batch closes.</summary>
    public static void FlushPending()
    {
        if (t_depth == 0) return;
        // A stage may defer more (the array may grow meanwhile, so it is read afresh each time).
        for (int i = 0; i < t_count; i++) t_deferred![i].Stage.FlushBatch();
    }

    /// <summary>Closes the batch; the outermost close is where the work happens: every deferred
    /// stage flushes, in the order it was deferred (a site seals and sends, a tun writes),
    /// including ones deferred by a flush (a decrypted packet routed into another tunnel).</summary>
    public static void End()
    {
        if (t_depth == 0) throw new InvalidOperationException("PacketBatch.End without Begin");
        if (t_depth > 1)
        {
            t_depth--;
            return;
        }
        // A stage may defer more (the array may grow meanwhile, so it is read afresh each time).
        // No finally: an exception escaping a stage is a bug; the packet loop catches it and
        // calls Abandon.
        for (int i = 0; i < t_count; i++) t_deferred![i].Stage.FlushBatch();
        if (t_deferred is { } deferred) deferred.AsSpan(0, t_count).Clear();
        t_count = 0;
        t_depth = 0;
    }

    /// <summary>After an exception escaped the thread's batch (a bug): closes it whatever its
    /// depth, giving each deferred stage one more chance to flush what it holds (a stage whose
    /// flush throws again is skipped), so the other packets of the batch are not stranded.
    /// Returns how many flushes failed.</summary>
    public static int Abandon()
    {
        int failed = 0;
        t_depth = 1;
        for (int i = 0; i < t_count; i++)
        {
            try
            {
                t_deferred![i].Stage.FlushBatch();
            }
            catch (Exception e) when (InternalErrors.Recoverable(e))
            {
                failed++;
            }
        }
        if (t_deferred is { } deferred) deferred.AsSpan(0, t_count).Clear();
        t_count = 0;
        t_depth = 0;
        return failed;
    }
}
