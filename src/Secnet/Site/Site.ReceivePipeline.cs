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
using Secnet.Site.Messages;
using Secnet.Transforms;

namespace Secnet.Site;

public sealed partial class Site
{
    internal const int MaxIncomingBatch = 32;

    private readonly Lock _incomingLock = new();
    private readonly PacketBuffer[] _incoming = new PacketBuffer[MaxIncomingBatch];
    private readonly IComm[] _incomingComms = new IComm[MaxIncomingBatch];
    private readonly SocketAddress[] _incomingSources = new SocketAddress[MaxIncomingBatch];
    private readonly PacketHeader[] _incomingHeaders = new PacketHeader[MaxIncomingBatch];
    private readonly uint[] _incomingSequences = new uint[MaxIncomingBatch];
    private readonly TransformResult[] _incomingResults = new TransformResult[MaxIncomingBatch];
    private readonly string?[] _incomingErrors = new string?[MaxIncomingBatch];
    private int _incomingCount;
    private bool _incomingDeferred;
    private IncomingStage? _incomingStage;
    private readonly OrderedCryptoQueue<OpenJob> _opened = new();

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
                if (Workers is not null) _opened.WaitUntilEmpty();
                return false;
            }
            int i = _incomingCount++;
            _incoming[i] = packet;
            _incomingComms[i] = comm;
            // The comm reuses source only after its batch closes, which flushes this queue first.
            _incomingSources[i] = source;
            _incomingHeaders[i] = header;
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
        var packets = _incoming.AsSpan(0, n);
        var comms = _incomingComms.AsSpan(0, n);
        var sources = _incomingSources.AsSpan(0, n);
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is null || keys.Aux is not null || keys.Pending is not null)
        {
            // The keys changed since the packets were queued: every key must be tried.
            if (Workers is not null) _opened.WaitUntilEmpty();
            for (int i = 0; i < n; i++)
                ReceiveDataOne(comms[i], packets[i], sources[i], _incomingHeaders[i], keys);
        }
        else if (Workers is null || (n < MinWorkerBatch && _opened.IsEmpty))
        {
            OpenAndDeliver(keys, packets, comms, sources, _incomingHeaders.AsSpan(0, n),
                _incomingSequences.AsSpan(0, n), _incomingResults.AsSpan(0, n), _incomingErrors.AsSpan(0, n));
        }
        else
        {
            // Workers exist here: a big batch goes to them, a small one follows what is in flight.
            bool toWorker = n >= MinWorkerBatch;
            if (toWorker) _opened.WaitUntilFewerThan(MaxBatchesInFlight);
            var job = _opened.RentSpare() ?? new OpenJob(this);
            job.Take(keys, packets, comms, sources, _incomingHeaders.AsSpan(0, n));
            _opened.Start(job, toWorker ? Workers : null);
        }
        packets.Clear();
        comms.Clear();
        sources.Clear();
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
