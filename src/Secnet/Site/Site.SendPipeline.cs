// Outgoing batches (stages 3-5 of Site.DataPath.cs for many packets at once). Inside a
// PacketBatch, SendToPeer only queues the labelled packet; when the batch closes (or the queue is
// full) the queue is sealed in arrival order with consecutive sequence numbers, framed, and handed
// to the comm in one sendmmsg. Everything runs under _sendLock, so the queue order is the
// sequence order is the wire order, whichever threads feed the queue.
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Site.Messages;
using Secnet.Transforms;

namespace Secnet.Site;

public sealed partial class Site
{
    /// <summary>Most packets sealed and sent per flush: enough for several SIMD batches and a
    /// worthwhile sendmmsg, small enough that a long tun drain still sends steadily.</summary>
    internal const int MaxOutgoingBatch = 32;

    private readonly PacketBuffer[] _outgoing = new PacketBuffer[MaxOutgoingBatch];
    private readonly TransformResult[] _outgoingResults = new TransformResult[MaxOutgoingBatch];
    private readonly uint[] _outgoingSequences = new uint[MaxOutgoingBatch];
    private int _outgoingCount;
    private bool _outgoingDeferred;
    private OutgoingStage? _outgoingStage;

    /// <summary>Queues a labelled packet (taking ownership) or, outside a batch, sends it now.</summary>
    private void EnqueueOutgoing(PacketBuffer packet)
    {
        lock (_sendLock)
        {
            _outgoing[_outgoingCount++] = packet;
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
        var batch = _outgoing.AsSpan(0, n);
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is not { } key || keys.DataAddresses.Length == 0)
        {
            // The key went away between queueing and flushing (the owner thread reacts to that).
            ReleaseAll(batch);
            Interlocked.Add(ref Counters._dropped, n);
            return;
        }
        var results = _outgoingResults.AsSpan(0, n);
        PipelineCrypto.Seal(key.Transform, batch, _outgoingSequences.AsSpan(0, n), results);
        int ready = 0;
        for (int i = 0; i < n; i++)
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
        TransmitLocked(batch[..ready], keys.DataAddresses);
        ReleaseAll(batch[..ready]);
        batch.Clear();
    }

    /// <summary>
    /// Sends framed datagrams as the single-packet path did: a fixed peer gets each datagram at the
    /// first address that takes it, a mobile peer at every address. A failing address is reported
    /// to the owner thread once per batch. Returns how many datagrams went out (_sendLock held).
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

    private sealed class OutgoingStage(Site site) : IBatchStage
    {
        public void FlushBatch()
        {
            lock (site._sendLock)
            {
                site._outgoingDeferred = false;
                site.FlushOutgoingLocked();
            }
        }
    }
}
