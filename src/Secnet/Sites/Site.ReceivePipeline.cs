// Incoming batches. Inside a PacketBatch (one recvmmsg), MSG0s that only the current key can open
// queue in arrival order; when the batch closes the queue is opened in one go, then each packet's
// sequence number is checked against the replay window and the packet delivered, strictly in
// arrival order, so batching changes neither the window's decisions nor the delivery order.
// With crypto workers, a big batch is opened on a worker; opened batches are checked and
// delivered through _opened, a FIFO, so the order still holds.
// While an aux or pending key exists (around a key change) packets take the one-by-one path,
// which tries every key; anything queued or in flight is finished first so order still holds.
using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

public sealed partial class Site
{
    internal const int MaxIncomingBatch = 32;

    private readonly Lock _incomingLock = new();
    // The queue and the FIFO are made on first use (_incomingLock held), not with the site: a hub
    // has many sites and most are idle, and together they are about 2 KB a site. Once made they
    // stay, so steady traffic allocates nothing.
    private IncomingQueue? _incomingQueue;
    private int _incomingCount;
    private bool _incomingDeferred;
    private IncomingStage? _incomingStage;
    private OrderedCryptoQueue<OpenJob>? _opened; // only with Workers; null: nothing ever in flight

    /// <summary>The arrays of the incoming batch, one slot per queued packet.</summary>
    private sealed class IncomingQueue
    {
        public readonly PacketBuffer[] Packets = new PacketBuffer[MaxIncomingBatch];
        public readonly IComm[] Comms = new IComm[MaxIncomingBatch];
        public readonly SocketAddress[] Sources = new SocketAddress[MaxIncomingBatch];
        public readonly PacketHeader[] Headers = new PacketHeader[MaxIncomingBatch];
        public readonly uint[] Sequences = new uint[MaxIncomingBatch];
        public readonly TransformResult[] Results = new TransformResult[MaxIncomingBatch];
        public readonly string?[] Errors = new string?[MaxIncomingBatch];
    }

    /// <summary>Queues a MSG0 body when batching applies (taking ownership); false means the
    /// caller handles it now, after anything queued before it.</summary>
    private bool TryEnqueueIncoming(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header)
    {
        var keys = Volatile.Read(ref _keys);
        bool batchable = PacketBatch.IsOpen && keys.Current is not null && keys.Aux is null && keys.Pending is null;
        lock (_incomingLock)
        {
            if (!batchable)
            {
                FlushIncomingLocked();
                _opened?.WaitUntilEmpty();
                return false;
            }
            var q = _incomingQueue ??= new IncomingQueue();
            int i = _incomingCount++;
            q.Packets[i] = packet;
            q.Comms[i] = comm;
            // The comm reuses source only after its batch closes, which flushes this queue first.
            q.Sources[i] = source;
            q.Headers[i] = header;
            if (_incomingCount < MaxIncomingBatch && (_incomingDeferred || DeferIncoming())) return true;
            FlushIncomingLocked();
            return true;
        }
    }

    private bool DeferIncoming()
    {
        _incomingStage ??= new IncomingStage(this);
        return _incomingDeferred = PacketBatch.Defer(_incomingStage);
    }

    /// <summary>Opens, checks and delivers the queue in order (_incomingLock held).</summary>
    private void FlushIncomingLocked()
    {
        int n = _incomingCount;
        if (n == 0) return;
        _incomingCount = 0;
        var q = _incomingQueue!;
        var packets = q.Packets.AsSpan(0, n);
        var comms = q.Comms.AsSpan(0, n);
        var sources = q.Sources.AsSpan(0, n);
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is null || keys.Aux is not null || keys.Pending is not null)
        {
            // The keys changed since the packets were queued: every key must be tried.
            _opened?.WaitUntilEmpty();
            for (int i = 0; i < n; i++)
                ReceiveDataOne(comms[i], packets[i], sources[i], q.Headers[i], keys);
        }
        else if (Workers is null || (n < MinWorkerBatch && (_opened?.IsEmpty ?? true)))
        {
            OpenAndDeliver(keys, packets, comms, sources, q.Headers.AsSpan(0, n),
                q.Sequences.AsSpan(0, n), q.Results.AsSpan(0, n), q.Errors.AsSpan(0, n));
        }
        else
        {
            // Workers exist here: a big batch goes to them, a small one follows what is in flight.
            bool toWorker = n >= MinWorkerBatch;
            var opened = OpenedFifo();
            if (toWorker) opened.WaitUntilFewerThan(MaxBatchesInFlight);
            var job = opened.RentSpare() ?? new OpenJob(this);
            job.Take(keys, packets, comms, sources, q.Headers.AsSpan(0, n));
            opened.Start(job, toWorker ? Workers : null);
        }
        packets.Clear();
        comms.Clear();
        sources.Clear();
    }

    /// <summary>The FIFO of batches opened on workers, made with the first (_incomingLock held);
    /// published with a barrier because <see cref="WaitForCrypto"/> reads it without the lock.</summary>
    private OrderedCryptoQueue<OpenJob> OpenedFifo()
    {
        if (_opened is { } q) return q;
        q = new OrderedCryptoQueue<OpenJob>();
        Volatile.Write(ref _opened, q);
        return q;
    }

    /// <summary>Opens a batch with the current key, then checks and delivers each packet in order.</summary>
    private void OpenAndDeliver(SiteKeys keys, Span<PacketBuffer> packets, Span<IComm> comms, Span<SocketAddress> sources,
        Span<PacketHeader> headers, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        var key = keys.Current!;
        PipelineCrypto.Open(key.Transform, packets, sequences, results, errors);
        Deliver(keys, packets, comms, sources, headers, sequences, results, errors);
    }

    /// <summary>Checks the sequence numbers of an opened batch and delivers it, in order.</summary>
    private void Deliver(SiteKeys keys, Span<PacketBuffer> packets, Span<IComm> comms, Span<SocketAddress> sources,
        Span<PacketHeader> headers, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        var key = keys.Current!;
        for (int i = 0; i < packets.Length; i++)
        {
            var r = results[i];
            string? error = errors[i];
            if (r == TransformResult.Ok)
            {
                lock (_receiveLock) r = key.Transform.CheckSequence(sequences[i], out error);
            }
            if (r == TransformResult.Ok)
                DeliverOpened(comms[i], packets[i], sources[i], keys, KeyUsed.Current);
            else
                RejectUnopened(comms[i], packets[i], sources[i], headers[i], keys,
                    r, error, TransformResult.Error, null, TransformResult.Error, null);
        }
        errors.Clear();
    }

    /// <summary>A batch for the current key, opened on whichever thread runs it, then checked and
    /// delivered in FIFO order. It keeps its own copies of the source addresses: the comm reuses
    /// its own as soon as its batch closes.</summary>
    private sealed class OpenJob(Site site) : CryptoBatch
    {
        private readonly PacketBuffer[] _packets = new PacketBuffer[MaxIncomingBatch];
        private readonly IComm[] _comms = new IComm[MaxIncomingBatch];
        private readonly SocketAddress?[] _ownSources = new SocketAddress?[MaxIncomingBatch];
        private readonly SocketAddress[] _sources = new SocketAddress[MaxIncomingBatch];
        private readonly PacketHeader[] _headers = new PacketHeader[MaxIncomingBatch];
        private readonly uint[] _sequences = new uint[MaxIncomingBatch];
        private readonly TransformResult[] _results = new TransformResult[MaxIncomingBatch];
        private readonly string?[] _errors = new string?[MaxIncomingBatch];
        private SiteKeys _keys = SiteKeys.Empty;
        private int _count;

        public void Take(SiteKeys keys, Span<PacketBuffer> packets, Span<IComm> comms, Span<SocketAddress> sources, Span<PacketHeader> headers)
        {
            _keys = keys;
            _count = packets.Length;
            packets.CopyTo(_packets);
            comms.CopyTo(_comms);
            headers.CopyTo(_headers);
            for (int i = 0; i < _count; i++) _sources[i] = CopyOf(sources[i], ref _ownSources[i]);
        }

        /// <summary>Copies into this slot's own address, (re)made only when too small or of another family.</summary>
        private static SocketAddress CopyOf(SocketAddress source, ref SocketAddress? own)
        {
            if (own is null || own.Family != source.Family || own.Buffer.Length < source.Size)
                own = new SocketAddress(source.Family, Math.Max(source.Size, source.Buffer.Length));
            source.Buffer.Span[..source.Size].CopyTo(own.Buffer.Span);
            own.Size = source.Size;
            return own;
        }

        protected override void Crypto() =>
            PipelineCrypto.Open(_keys.Current!.Transform, _packets.AsSpan(0, _count), _sequences.AsSpan(0, _count),
                _results.AsSpan(0, _count), _errors.AsSpan(0, _count));

        public override void Emit()
        {
            // One batch on this thread: the tun writes coalesce, and packets routed on into other
            // tunnels are sealed together. The writes must be done when Emit returns, or a later
            // batch, emitted by a worker, would reach the host first: inside a batch the packet
            // thread has open, flush now rather than when that batch closes.
            bool nested = PacketBatch.IsOpen;
            PacketBatch.Begin();
            try
            {
                site.Deliver(_keys, _packets.AsSpan(0, _count), _comms.AsSpan(0, _count), _sources.AsSpan(0, _count),
                    _headers.AsSpan(0, _count), _sequences.AsSpan(0, _count), _results.AsSpan(0, _count), _errors.AsSpan(0, _count));
            }
            finally
            {
                if (nested) PacketBatch.FlushPending();
                PacketBatch.End();
            }
            _packets.AsSpan(0, _count).Clear();
            _comms.AsSpan(0, _count).Clear();
            _keys = SiteKeys.Empty;
        }
    }

    private sealed class IncomingStage(Site site) : BatchStage
    {
        public override void FlushBatch()
        {
            lock (site._incomingLock)
            {
                site._incomingDeferred = false;
                site.FlushIncomingLocked();
            }
        }
    }
}
