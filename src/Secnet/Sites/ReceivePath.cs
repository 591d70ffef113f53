// Peer to host, for one site (protocol.md §12), in packet order:
//   QueueOpen        a MSG0 for our index (the comm's I/O thread): strip the header and queue it,
//                    while only the current key exists; around a key change (an aux or pending
//                    key) open it now with every key, behind what is queued or in flight
//   OpenJob.Crypto   open the job in SIMD lanes with the current key (any thread)
//   OpenJob.HandOn   in arrival order: check each sequence number against the replay window,
//                    then Deliver (MSG9: to the netlink, without a copy)
// The queueing, flushing and ordering are OrderedBatchPipeline's, so batching changes neither the
// replay window's decisions nor the delivery order. Whatever changes protocol state (a key used,
// an address learnt, a packet that would not open, MSG7) goes to the owner thread as a post.
using System.Buffers.Binary;
using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>Which key of the snapshot opened a packet.</summary>
internal enum KeyUsed { None, Current, Aux, Pending }

/// <summary>The receiving half of a site's data path: reads the published
/// <see cref="SiteKeys"/>, never the protocol state.</summary>
internal sealed class ReceivePath(Site site, Netlink.INetlinkClient link) : OrderedBatchPipeline<ReceivePath.OpenJob>
{
    private readonly Site _site = site;
    private readonly Netlink.INetlinkClient _link = link;

    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>Held while a sequence number is checked against the replay window (by whichever
    /// thread hands a job on, or opens a packet alone) and while key setup opens with a key.</summary>
    internal Lock WindowLock { get; } = new();

    protected override OpenJob NewJob() => new(this);

    /// <summary>A MSG0 for our index; consumes the buffer. Opened and delivered when the calling
    /// thread's batch closes, or now (outside a batch, or while keys change).</summary>
    public void QueueOpen(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header)
    {
        packet.TryTrimFront(PacketHeader.Length);
        var keys = _site.Keys;
        bool batchable = PacketBatch.IsOpen && keys.Current is not null && keys.Aux is null && keys.Pending is null;
        lock (Gate)
        {
            if (batchable)
            {
                Queue.Add(comm, packet, source, header);
                Queued();
                return;
            }
            FlushBatch();
            WaitUntilIdle();
        }
        var held = _site.EnterKeys();
        OpenOne(comm, packet, source, header, held);
        held.Exit();
    }

    /// <summary>Opens one MSG0 body (header already stripped) trying every key, then delivers it.</summary>
    private void OpenOne(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header, SiteKeys keys)
    {
        int candidates = (keys.Current is null ? 0 : 1) + (keys.Aux is null ? 0 : 1) + (keys.Pending is null ? 0 : 1);
        byte[]? scratch = null;
        int payloadLength = packet.Length;
        if (candidates > 1)
        {
            scratch = t_scratch is { } s && s.Length >= payloadLength ? s : (t_scratch = new byte[Math.Max(payloadLength, 4096)]);
            packet.Data.CopyTo(scratch);
        }
        KeyUsed used = KeyUsed.None;
        TransformResult cur = TransformResult.Error, aux = TransformResult.Error, pend = TransformResult.Error;
        string? curErr = null, auxErr = null, pendErr = null;
        if (keys.Current is { } c)
        {
            cur = TryOpen(c, packet, out curErr);
            if (cur == TransformResult.Ok) used = KeyUsed.Current;
        }
        if (used == KeyUsed.None && cur == TransformResult.Error && keys.Aux is { } a)
        {
            Restore(packet, scratch, payloadLength);
            aux = TryOpen(a, packet, out auxErr);
            if (aux == TransformResult.Ok) used = KeyUsed.Aux;
        }
        if (used == KeyUsed.None && cur == TransformResult.Error && aux == TransformResult.Error && keys.Pending is { } p)
        {
            Restore(packet, scratch, payloadLength);
            pend = TryOpen(p, packet, out pendErr);
            if (pend == TransformResult.Ok) used = KeyUsed.Pending;
        }
        if (used == KeyUsed.None)
        {
            Reject(comm, packet, source, header, keys, cur, curErr, aux, auxErr, pend, pendErr);
            return;
        }
        Deliver(comm, packet, source, keys, used);
    }

    private TransformResult TryOpen(SessionKey key, PacketBuffer packet, out string? error)
    {
        var r = key.Transform.Open(packet, out uint seq, out error);
        if (r != TransformResult.Ok) return r;
        lock (WindowLock) return key.Transform.CheckSequence(seq, out error);
    }

    private static void Restore(PacketBuffer packet, byte[]? scratch, int length)
    {
        if (scratch is null) return;
        packet.Reset(packet.Start);
        scratch.AsSpan(0, length).CopyTo(packet.Writable);
        packet.SetLength(length);
    }

    /// <summary>No key opened the packet (or its sequence number was refused): drop it, and unless
    /// only the sequence number was wrong, renegotiate and NAK on the owner thread.</summary>
    private void Reject(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header, SiteKeys keys,
        TransformResult cur, string? curErr, TransformResult aux, string? auxErr, TransformResult pend, string? pendErr)
    {
        packet.Release();
        Interlocked.Increment(ref _site.Counters._dropped);
        bool sequenceOnly = cur is TransformResult.SequenceRange or TransformResult.SequenceDuplicate
            || aux is TransformResult.SequenceRange or TransformResult.SequenceDuplicate
            || pend is TransformResult.SequenceRange or TransformResult.SequenceDuplicate;
        Interlocked.Increment(ref sequenceOnly ? ref _site.Counters._dropReplay : ref _site.Counters._dropDecrypt);
        if (sequenceOnly) _site.NoteBadSequence(keys, curErr, auxErr, pendErr);
        else _site.NoteUndecryptable(comm, source, header, keys, curErr, auxErr, pendErr);
    }

    /// <summary>An opened, in-window packet: key bookkeeping and address learning go to the owner
    /// thread, the plaintext to the netlink.</summary>
    private void Deliver(IComm comm, PacketBuffer packet, SocketAddress source, SiteKeys keys, KeyUsed used)
    {
        Volatile.Write(ref _site.Counters._lastDataReceivedMs, Environment.TickCount64);
        if (used != KeyUsed.Current || (keys.Aux is not null && !keys.AuxIsNew)) _site.NoteKeyUsed(keys, used);
        if (_site.Options.Mobile && (keys.DataAddresses.Length == 0 || !keys.DataAddresses[0].SameAs(comm, source)))
            _site.NoteDataAddress(comm, source);
        if (packet.Length < 4)
        {
            packet.Release();
            return;
        }
        uint inner = BinaryPrimitives.ReadUInt32BigEndian(packet.Data);
        if (inner == MessageLabel.Msg9)
        {
            _site.NoteTrafficForRenegotiation();
            packet.TryTrimFront(4);
            _link.FromTunnel(packet);
            return;
        }
        packet.Release();
        _site.NoteInnerMessage(inner);
    }

    /// <summary>The MSG0 bodies of one flush, opened with the current key on whichever thread runs
    /// the crypto, then checked and delivered in arrival order. It keeps its own copies of the
    /// source addresses: the comm reuses its own as soon as its batch closes.</summary>
    private struct CommSlot
    {
        public IComm? Comm;
    }

    internal sealed class OpenJob(ReceivePath path) : PipelineJob
    {
        private readonly PacketBuffer[] _packets = new PacketBuffer[MaxBatch];
        // Each IComm inside a struct: storing into an interface-typed array is type-checked at
        // run time (array covariance), which showed in the profile of every received packet.
        private readonly CommSlot[] _comms = new CommSlot[MaxBatch];
        private readonly SocketAddress?[] _sources = new SocketAddress?[MaxBatch];
        private readonly PacketHeader[] _headers = new PacketHeader[MaxBatch];
        private readonly uint[] _sequences = new uint[MaxBatch];
        private readonly TransformResult[] _results = new TransformResult[MaxBatch];
        private readonly string?[] _errors = new string?[MaxBatch];
        private SiteKeys _keys = SiteKeys.Empty;

        public void Add(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header)
        {
            int i = Count++;
            _packets[i] = packet;
            _comms[i].Comm = comm;
            _headers[i] = header;
            CopyInto(source, ref _sources[i]);
        }

        /// <summary>Copies into this slot's own address, (re)made only when too small. The family
        /// is in the copied bytes; asking SocketAddress.Family is a call into the runtime's
        /// native part, twice per packet.</summary>
        private static void CopyInto(SocketAddress source, ref SocketAddress? own)
        {
            if (own is null || own.Buffer.Length < source.Size)
                own = new SocketAddress(source.Family, Math.Max(source.Size, source.Buffer.Length));
            source.Buffer.Span[..source.Size].CopyTo(own.Buffer.Span);
            own.Size = source.Size;
        }

        public override bool Prepare()
        {
            // Held until Clear, so the keys outlive their replacement while this job opens with them.
            var keys = path._site.EnterKeys();
            _keys = keys;
            if (keys.Current is not null && keys.Aux is null && keys.Pending is null) return true;
            // The keys changed since the packets were queued: every key must be tried.
            path.WaitUntilIdle();
            for (int i = 0; i < Count; i++) path.OpenOne(_comms[i].Comm!, _packets[i], _sources[i]!, _headers[i], keys);
            Clear();
            return false;
        }

        protected internal override void FailAll()
        {
            _results.AsSpan(0, Count).Fill(TransformResult.Error);
            _errors.AsSpan(0, Count).Fill("internal error");
        }

        protected internal override void Crypto()
        {
            var transform = _keys.Current!.Transform;
            if (Count == 1) _results[0] = transform.Open(_packets[0], out _sequences[0], out _errors[0]);
            else transform.OpenBatch(_packets.AsSpan(0, Count), _sequences.AsSpan(0, Count), _results.AsSpan(0, Count), _errors.AsSpan(0, Count));
        }

        public override void HandOn()
        {
            var keys = _keys;
            var transform = keys.Current!.Transform;
            bool mobile = path._site.Options.Mobile;
            bool opened = false;
            for (int i = 0; i < Count; i++)
            {
                var r = _results[i];
                string? error = _errors[i];
                if (r == TransformResult.Ok)
                {
                    lock (path.WindowLock) r = transform.CheckSequence(_sequences[i], out error);
                }
                if (r != TransformResult.Ok)
                {
                    path.Reject(_comms[i].Comm!, _packets[i], _sources[i]!, _headers[i], keys,
                        r, error, TransformResult.Error, null, TransformResult.Error, null);
                    continue;
                }
                // The common case here rather than in Deliver: with the current key alone there
                // is no key news, and a fixed peer teaches no address.
                var packet = _packets[i];
                opened = true;
                if (!mobile && packet.Length >= 4 && BinaryPrimitives.ReadUInt32BigEndian(packet.Data) == MessageLabel.Msg9)
                {
                    path._site.NoteTrafficForRenegotiation();
                    packet.TryTrimFront(4);
                    path._link.FromTunnel(packet);
                }
                else
                {
                    path.Deliver(_comms[i].Comm!, packet, _sources[i]!, keys, KeyUsed.Current);
                }
            }
            // Once a job: the time of the last packet, for secnet-ctl status.
            if (opened) Volatile.Write(ref path._site.Counters._lastDataReceivedMs, Environment.TickCount64);
            Clear();
        }

        private void Clear()
        {
            _packets.AsSpan(0, Count).Clear();
            _comms.AsSpan(0, Count).Clear();
            _errors.AsSpan(0, Count).Clear();
            Count = 0;
            _keys.Exit();
            _keys = SiteKeys.Empty;
        }
    }
}
