// Outgoing batches (stages 3-5 of Site.DataPath.cs for many packets at once). Inside a
// PacketBatch, SendToPeer only queues the labelled packet; when the batch closes (or the queue is
// full) the queue takes consecutive sequence numbers in arrival order under _sendLock, is sealed,
// framed, and handed to the comm in one sendmmsg. With crypto workers (Workers), a big batch is
// sealed on a worker while the packet thread goes on; batches leave through _sealed, a FIFO, so
// the sequence order is still the wire order. Small batches and lone packets are sealed on the
// calling thread (a worker's wake-up would cost more than the crypto), through the same FIFO
// whenever a batch is still in flight.
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

public sealed partial class Site
{
    /// <summary>Most packets sealed and sent per flush: enough for several SIMD batches and a
    /// worthwhile sendmmsg, small enough that a long tun drain still sends steadily.</summary>
    internal const int MaxOutgoingBatch = 32;

    /// <summary>Fewest packets worth a worker's wake-up: one full set of SIMD lanes.</summary>
    internal const int MinWorkerBatch = 8;

    /// <summary>Most batches of one site and direction in flight on the workers: a packet thread
    /// that reads faster than they seal then does crypto itself instead of queueing without end.</summary>
    internal const int MaxBatchesInFlight = 8;

    // Made on first use (_sendLock held), not with the site, as the incoming queue is: an idle
    // site of a big hub then pays nothing for them; once made they stay.
    private OutgoingQueue? _outgoingQueue;
    private int _outgoingCount;
    private bool _outgoingDeferred;
    private OutgoingStage? _outgoingStage;
    private OrderedCryptoQueue<SealJob>? _sealed; // only with Workers; null: nothing ever in flight

    /// <summary>The arrays of the outgoing batch, one slot per queued packet.</summary>
    private sealed class OutgoingQueue
    {
        public readonly PacketBuffer[] Packets = new PacketBuffer[MaxOutgoingBatch];
        public readonly TransformResult[] Results = new TransformResult[MaxOutgoingBatch];
        public readonly uint[] Sequences = new uint[MaxOutgoingBatch];
    }

    /// <summary>Threads that seal and open big batches; none: everything on the calling thread.</summary>
    public CryptoWorkerPool? Workers { get; init; }

    /// <summary>Queues a labelled packet (taking ownership) or, outside a batch, sends it now.</summary>
    private void EnqueueOutgoing(PacketBuffer packet)
    {
        lock (_sendLock)
        {
            (_outgoingQueue ??= new OutgoingQueue()).Packets[_outgoingCount++] = packet;
            if (_outgoingCount < MaxOutgoingBatch && (_outgoingDeferred || DeferOutgoing())) return;
            FlushOutgoingLocked();
        }
    }

    private bool DeferOutgoing()
    {
        _outgoingStage ??= new OutgoingStage(this);
        return _outgoingDeferred = PacketBatch.Defer(_outgoingStage);
    }

    /// <summary>Seals, frames and transmits the queue with the keys current now (_sendLock held).</summary>
    private void FlushOutgoingLocked()
    {
        int n = _outgoingCount;
        if (n == 0) return;
        _outgoingCount = 0;
        var q = _outgoingQueue!;
        var batch = q.Packets.AsSpan(0, n);
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is not { } key || keys.DataAddresses.Length == 0)
        {
            // The key went away between queueing and flushing (the owner thread reacts to that).
            ReleaseAll(batch);
            Interlocked.Add(ref Counters._dropped, n);
            return;
        }
        bool toWorker = Workers is not null && n >= MinWorkerBatch;
        // Without workers nothing is ever in flight: no need to look (a lock) per lone packet.
        if (!toWorker && (Workers is null || (_sealed?.IsEmpty ?? true)))
        {
            var sequences = q.Sequences.AsSpan(0, n);
            for (int i = 0; i < n; i++) sequences[i] = key.Transform.NextSendSequence();
            int ready = SealAndFrame(key, batch, sequences, q.Results.AsSpan(0, n));
            TransmitLocked(batch[..ready], keys.DataAddresses);
            ReleaseAll(batch[..ready]);
            batch.Clear();
            return;
        }
        var fifo = _sealed;
        if (fifo is null)
        {
            fifo = new OrderedCryptoQueue<SealJob>();
            // WaitForCrypto reads it without _sendLock.
            Volatile.Write(ref _sealed, fifo);
        }
        if (toWorker) fifo.WaitUntilFewerThan(MaxBatchesInFlight);
        var job = fifo.RentSpare() ?? new SealJob(this);
        job.Take(key, keys.DataAddresses, batch);
        fifo.Start(job, toWorker ? Workers : null);
    }

    /// <summary>Seals the packets with their sequence numbers and prepends the header; the ones
    /// that failed are released and counted, the rest moved to the front: their count.</summary>
    private int SealAndFrame(SessionKey key, Span<PacketBuffer> batch, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        PipelineCrypto.Seal(key.Transform, batch, sequences, results);
        int ready = 0;
        for (int i = 0; i < batch.Length; i++)
        {
            var p = batch[i];
            if (results[i] == TransformResult.Ok && p.TryPrepend(PacketHeader.Length, out var head))
            {
                new PacketHeader(key.RemoteIndex, LocalIndex, MessageLabel.Msg0).Write(head);
                batch[ready++] = p;
                continue;
            }
            p.Release();
            Interlocked.Increment(ref Counters._dropped);
        }
        return ready;
    }

    /// <summary>Waits until no batch of this site is in flight on a crypto worker.</summary>
    internal void WaitForCrypto()
    {
        Volatile.Read(ref _sealed)?.WaitUntilEmpty();
        Volatile.Read(ref _opened)?.WaitUntilEmpty();
    }

    /// <summary>Waits until no sealed batch is in flight, so a packet sealed now cannot overtake
    /// one with a lower sequence number (_sendLock held; emitting does not take it).</summary>
    private void WaitForSealedBatches()
    {
        if (_sealed is { IsEmpty: false } fifo) fifo.WaitUntilEmpty();
    }

    /// <summary>
    /// Sends framed datagrams as the single-packet path did: a fixed peer gets each datagram at the
    /// first address that takes it, a mobile peer at every address. A failing address is reported
    /// to the owner thread once per batch. Returns how many datagrams went out. Callers are
    /// serialised: _sendLock held with no sealed batch in flight, or the emitter of _sealed.
    /// </summary>
    private int TransmitLocked(ReadOnlySpan<PacketBuffer> datagrams, PeerAddress[] addresses)
    {
        var rest = datagrams;
        int sent = 0;
        foreach (var a in addresses)
        {
            int ok = SendThrough(a, rest);
            if (ok < rest.Length) PostDataSendFailed(a);
            if (_o.Mobile)
            {
                sent = Math.Max(sent, ok);
                continue;
            }
            sent += ok;
            // The datagram that failed and those behind it try the next address.
            rest = rest[ok..];
            if (rest.IsEmpty) break;
        }
        if (sent > 0) Interlocked.Add(ref Counters._sent, sent);
        return sent;
    }

    private static int SendThrough(PeerAddress a, ReadOnlySpan<PacketBuffer> datagrams)
    {
        if (a.Comm is IBatchSender batch) return batch.SendBatch(datagrams, a.Address);
        for (int i = 0; i < datagrams.Length; i++)
            if (!a.Comm.Send(datagrams[i].Data, a.Address)) return i;
        return datagrams.Length;
    }

    private static void ReleaseAll(Span<PacketBuffer> batch)
    {
        foreach (var p in batch) p.Release();
        batch.Clear();
    }

    /// <summary>A batch with its sequence numbers taken, sealed on whichever thread runs it and
    /// transmitted in FIFO order by <see cref="OrderedCryptoQueue{T}"/>.</summary>
    private sealed class SealJob(Site site) : CryptoBatch
    {
        private readonly PacketBuffer[] _packets = new PacketBuffer[MaxOutgoingBatch];
        private readonly uint[] _sequences = new uint[MaxOutgoingBatch];
        private readonly TransformResult[] _results = new TransformResult[MaxOutgoingBatch];
        private SessionKey? _key;
        private PeerAddress[] _addresses = [];
        private int _count;
        private int _ready;

        /// <summary>Moves the packets in and numbers them (_sendLock held, so in queue order).</summary>
        public void Take(SessionKey key, PeerAddress[] addresses, Span<PacketBuffer> batch)
        {
            _key = key;
            _addresses = addresses;
            _count = batch.Length;
            batch.CopyTo(_packets);
            batch.Clear();
            for (int i = 0; i < _count; i++) _sequences[i] = key.Transform.NextSendSequence();
        }

        protected override void Crypto() =>
            _ready = site.SealAndFrame(_key!, _packets.AsSpan(0, _count), _sequences.AsSpan(0, _count), _results.AsSpan(0, _count));

        public override void Emit()
        {
            var ready = _packets.AsSpan(0, _ready);
            site.TransmitLocked(ready, _addresses);
            ReleaseAll(ready);
            _packets.AsSpan(0, _count).Clear();
            _key = null;
            _addresses = [];
        }
    }

    private sealed class OutgoingStage(Site site) : BatchStage
    {
        public override void FlushBatch()
        {
            lock (site._sendLock)
            {
                site._outgoingDeferred = false;
                site.FlushOutgoingLocked();
            }
        }
    }
}
