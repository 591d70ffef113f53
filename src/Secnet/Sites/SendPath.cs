// Host to peer, for one site (protocol.md §12), in packet order:
//   QueueSeal      the router hands a packet over (any I/O thread): no key, drop and tell the
//                  owner thread; else label it MSG9 and queue it
//   SealJob.Prepare   take consecutive sequence numbers (under the lock, so in queue order)
//   SealJob.Crypto    seal the job in SIMD lanes and prepend the 12-byte header (any thread)
//   SealJob.HandOn    transmit the job (IComm.SendBatch: one sendmmsg) in sequence order
// The queueing, flushing and ordering are OrderedBatchPipeline's.
using System.Buffers.Binary;
using Secnet.Comm;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>The sending half of a site's data path: reads the site's published
/// <see cref="SiteKeys"/> and never its protocol state; what the owner thread must hear about
/// (no key, a failing address) goes through the site's posts.</summary>
internal sealed class SendPath(Site site) : OrderedBatchPipeline<SendPath.SealJob>, ITunnelEndpoint
{
    private readonly Site _site = site;

    protected override SealJob NewJob() => new(this);

    /// <summary>A packet from the netlink for the peer; takes ownership of the buffer. Sealed and
    /// sent when the calling thread's batch closes (at once outside a batch).</summary>
    public void QueueSeal(PacketBuffer packet)
    {
        if (_site.Stopped)
        {
            packet.Release();
            return;
        }
        _site.AllowProd();
        var keys = _site.Keys;
        if (keys.Current is null || keys.DataAddresses.Length == 0)
        {
            int size = packet.Length;
            packet.Release();
            Interlocked.Increment(ref _site.Counters._dropped);
            Interlocked.Increment(ref _site.Counters._dropNoKey);
            _site.NoteOutgoingWithoutKey(size);
            return;
        }
        if (!packet.TryPrepend(4, out var inner))
        {
            packet.Release();
            Interlocked.Increment(ref _site.Counters._dropped);
            Interlocked.Increment(ref _site.Counters._dropError);
            return;
        }
        BinaryPrimitives.WriteUInt32BigEndian(inner, MessageLabel.Msg9);
        lock (Gate)
        {
            Queue.Add(packet);
            Queued();
        }
    }

    /// <summary>Seals and sends <paramref name="packet"/> (already labelled) behind everything
    /// queued or in flight, before returning (owner thread: a close message). The buffer must not
    /// be pooled: the caller may still read it. True if it went out.</summary>
    public bool SealAndSendNow(PacketBuffer packet)
    {
        lock (Gate)
        {
            long before = Interlocked.Read(ref _site.Counters._sent);
            Queue.Add(packet);
            FlushBatch();
            WaitUntilIdle();
            return Interlocked.Read(ref _site.Counters._sent) != before;
        }
    }

    /// <summary>The packets of one flush with their key, addresses and sequence numbers.</summary>
    internal sealed class SealJob(SendPath path) : PipelineJob
    {
        private readonly PacketBuffer[] _packets = new PacketBuffer[MaxBatch];
        private readonly uint[] _sequences = new uint[MaxBatch];
        private readonly TransformResult[] _results = new TransformResult[MaxBatch];
        private SessionKey? _key;
        private SiteKeys? _snapshot;
        private PeerAddress[] _addresses = [];
        private int _ready;

        public void Add(PacketBuffer packet) => _packets[Count++] = packet;

        public override bool Prepare()
        {
            var keys = path._site.EnterKeys();
            if (keys.Current is not { } key || keys.DataAddresses.Length == 0)
            {
                keys.Exit();
                // The key went away between queueing and flushing (the owner thread reacts to that).
                Interlocked.Add(ref path._site.Counters._dropped, Count);
                Interlocked.Add(ref path._site.Counters._dropNoKey, Count);
                ReleaseAll(_packets.AsSpan(0, Count));
                Count = 0;
                return false;
            }
            uint used = key.Transform.SequencesUsed;
            if (used >= SequenceBudget.Renegotiate) path._site.NoteSequencesRunningOut(used >= SequenceBudget.Refuse - (uint)Count);
            if (used >= SequenceBudget.Refuse - (uint)Count)
            {
                // Sealing these would bring a nonce round again: drop them until the new key.
                keys.Exit();
                Interlocked.Add(ref path._site.Counters._dropped, Count);
                Interlocked.Add(ref path._site.Counters._sequencesExhausted, Count);
                ReleaseAll(_packets.AsSpan(0, Count));
                Count = 0;
                return false;
            }
            // Held until HandOn, so the key outlives its replacement while this job seals with it.
            _snapshot = keys;
            _key = key;
            _addresses = keys.DataAddresses;
            for (int i = 0; i < Count; i++) _sequences[i] = key.Transform.NextSendSequence();
            return true;
        }

        /// <summary>Seals in place and prepends the header; the packets that failed are released
        /// and counted, the rest moved to the front.</summary>
        protected internal override void FailAll() => _results.AsSpan(0, Count).Fill(TransformResult.Error);

        protected internal override void Crypto()
        {
            var batch = _packets.AsSpan(0, Count);
            var results = _results.AsSpan(0, Count);
            var transform = _key!.Transform;
            // A lone packet (ping, ACK) would leave seven lanes idle: the one-packet path is quicker.
            if (Count == 1) results[0] = transform.Seal(batch[0], _sequences[0]);
            else transform.SealBatch(batch, _sequences.AsSpan(0, Count), results);
            var header = new PacketHeader(_key.RemoteIndex, path._site.LocalIndex, MessageLabel.Msg0);
            int ready = 0;
            for (int i = 0; i < batch.Length; i++)
            {
                var p = batch[i];
                if (results[i] == TransformResult.Ok && p.TryPrepend(PacketHeader.Length, out var head))
                {
                    header.Write(head);
                    batch[ready++] = p;
                    continue;
                }
                p.Release();
                Interlocked.Increment(ref path._site.Counters._dropped);
                Interlocked.Increment(ref path._site.Counters._dropError);
            }
            _ready = ready;
        }

        /// <summary>Sends the sealed datagrams as the single-packet path did: a fixed peer gets each
        /// at the first address that takes it, a mobile peer at every address. A failing address
        /// is reported to the owner thread once per job.</summary>
        public override void HandOn()
        {
            var ready = _packets.AsSpan(0, _ready);
            ReadOnlySpan<PacketBuffer> rest = ready;
            int sent = 0;
            var site = path._site;
            foreach (var a in _addresses)
            {
                int ok = a.Comm.SendBatch(rest, a.Address);
                if (ok < rest.Length) site.NoteDataSendFailed(a);
                if (site.Options.Mobile)
                {
                    sent = Math.Max(sent, ok);
                    continue;
                }
                sent += ok;
                // The datagram that failed and those behind it try the next address.
                rest = rest[ok..];
                if (rest.IsEmpty) break;
            }
            if (sent > 0)
            {
                long bytes = 0;
                for (int i = 0; i < sent; i++) bytes += ready[i].Length;
                Interlocked.Add(ref site.Counters._sent, sent);
                Interlocked.Add(ref site.Counters._bytesSent, bytes);
                Volatile.Write(ref site.Counters._lastDataSentMs, Environment.TickCount64);
            }
            if (sent < ready.Length)
            {
                // No address took them: they are lost, as much as a drop before sealing.
                Interlocked.Add(ref site.Counters._dropped, ready.Length - sent);
                Interlocked.Add(ref site.Counters._dropSendFailed, ready.Length - sent);
            }
            ReleaseAll(ready);
            _packets.AsSpan(0, Count).Clear();
            Count = 0;
            _key = null;
            _addresses = [];
            _snapshot?.Exit();
            _snapshot = null;
        }

        private static void ReleaseAll(Span<PacketBuffer> batch)
        {
            foreach (var p in batch) p.Release();
            batch.Clear();
        }
    }
}
