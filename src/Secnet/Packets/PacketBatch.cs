namespace Secnet.Packets;

/// <summary>A stage that holds packets back while a batch is open and processes them all at once
/// when the batch closes (see <see cref="PacketBatch"/>).</summary>
public interface IBatchStage
{
    /// <summary>Processes everything held back; called on the thread that closes the batch.</summary>
    void FlushBatch();
}

/// <summary>
/// A batch of packets handled by one I/O thread per wake-up (a drain of the tun device, one
/// recvmmsg): between <see cref="Begin"/> and <see cref="End"/> stages such as a site's sealer may
/// queue packets and register with <see cref="Defer"/>; <see cref="End"/> flushes them in
/// registration order, so the crypto and the syscalls see whole batches. Outside a batch, stages
/// process each packet at once (owner thread, tests). Per thread, no locks, no allocation once the
/// list has grown.
/// </summary>
public static class PacketBatch
{
    [ThreadStatic]
    private static int t_depth;

    [ThreadStatic]
    private static List<IBatchStage>? t_deferred;

    /// <summary>True while the calling thread is inside <see cref="Begin"/>/<see cref="End"/>.</summary>
    public static bool IsOpen => t_depth > 0;

    public static void Begin() => t_depth++;

    /// <summary>Asks for <see cref="IBatchStage.FlushBatch"/> when the calling thread's batch closes;
    /// false (and nothing registered) when no batch is open.</summary>
    public static bool Defer(IBatchStage stage)
    {
        if (t_depth == 0) return false;
        (t_deferred ??= new List<IBatchStage>(8)).Add(stage);
        return true;
    }

    /// <summary>Flushes every stage deferred so far on this thread, now, and leaves the batch open.
    /// For work that must be out of the door before the caller returns although an enclosing batch
    /// is still open (a crypto batch that leaves in order). Stages flush idempotently, so the ones
    /// flushed here run again, with nothing to do, when the batch closes.</summary>
    public static void FlushPending()
    {
        var deferred = t_deferred;
        if (t_depth == 0 || deferred is null) return;
        for (int i = 0; i < deferred.Count; i++) deferred[i].FlushBatch();
    }

    /// <summary>Closes the batch; the outermost close flushes every deferred stage, including ones
    /// deferred by a flush (a decrypted packet routed into another tunnel).</summary>
    public static void End()
    {
        if (t_depth == 0) throw new InvalidOperationException("PacketBatch.End without Begin");
        if (t_depth > 1)
        {
            t_depth--;
            return;
        }
        var deferred = t_deferred;
        try
        {
            if (deferred is not null)
            {
                for (int i = 0; i < deferred.Count; i++) deferred[i].FlushBatch();
            }
        }
        finally
        {
            deferred?.Clear();
            t_depth = 0;
        }
    }
}
