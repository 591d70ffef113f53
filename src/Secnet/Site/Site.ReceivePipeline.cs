// Incoming batches. Inside a PacketBatch (one recvmmsg), MSG0s that only the current key can open
// queue in arrival order; when the batch closes the queue is opened in one go, then each packet's
// sequence number is checked against the replay window and the packet delivered, strictly in
// arrival order, so batching changes neither the window's decisions nor the delivery order.
// While an aux or pending key exists (around a key change) packets take the one-by-one path,
// which tries every key; anything queued is flushed first so order still holds.
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
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is not { } key || keys.Aux is not null || keys.Pending is not null)
        {
            // The keys changed since the packets were queued: every key must be tried.
            for (int i = 0; i < n; i++)
                ReceiveDataOne(_incomingComms[i], packets[i], _incomingSources[i], _incomingHeaders[i], keys);
        }
        else
        {
            var sequences = _incomingSequences.AsSpan(0, n);
            var results = _incomingResults.AsSpan(0, n);
            var errors = _incomingErrors.AsSpan(0, n);
            PipelineCrypto.Open(key.Transform, packets, sequences, results, errors);
            for (int i = 0; i < n; i++)
            {
                var r = results[i];
                string? error = errors[i];
                if (r == TransformResult.Ok)
                {
                    lock (_receiveLock) r = key.Transform.CheckSequence(sequences[i], out error);
                }
                if (r == TransformResult.Ok)
                    DeliverOpened(_incomingComms[i], packets[i], _incomingSources[i], keys, KeyUsed.Current);
                else
                    RejectUnopened(_incomingComms[i], packets[i], _incomingSources[i], _incomingHeaders[i], keys,
                        r, error, TransformResult.Error, null, TransformResult.Error, null);
            }
            errors.Clear();
        }
        packets.Clear();
        _incomingComms.AsSpan(0, n).Clear();
        _incomingSources.AsSpan(0, n).Clear();
    }

    private sealed class IncomingStage(Site site) : IBatchStage
    {
        public void FlushBatch()
        {
            lock (site._incomingLock)
            {
                site._incomingDeferred = false;
                site.FlushIncomingLocked();
            }
        }
    }
}
