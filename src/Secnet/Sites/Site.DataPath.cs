// Data path of one site (protocol.md §12, ARCHITECTURE.md "Threads and ownership").
//
// Outgoing (netlink -> peer), SendToPeer, any thread:
//   1. read the published SiteKeys snapshot (lock-free)                       parallel
//   2. prepend the MSG9 label in the buffer's headroom                         parallel
//   3. assign the sequence number (NextSendSequence)                          SEQUENTIAL per site
//   4. Seal with that number                                                   parallelizable
//   5. prepend the 12-byte header and transmit                                 SEQUENTIAL per site (in sequence order)
//   Stage 3 runs under one per-site lock (_sendLock); stages 4-5 too, unless a batch goes to a
//   crypto worker, after which it is transmitted through the site's FIFO of sealed batches: either
//   way sequence order and transmit order are identical. Inside a PacketBatch (one tun drain, one
//   recvmmsg) packets queue in arrival order (Site.SendPipeline.cs) and stages 3-5 run once per
//   batch: one batch seal, one sendmmsg.
//
// Incoming (peer -> netlink), ReceiveData, on the comm's receive thread:
//   1. strip the header, read the snapshot (lock-free)                        parallel
//   2. Open with current, then aux, then pending key                          parallelizable
//   3. CheckSequence (replay window)                                          SEQUENTIAL per site (_receiveLock)
//   4. inner label: MSG9 -> INetlinkClient.FromTunnel (no copy)                parallel
//   Inside a PacketBatch, while only the current key exists, packets queue in arrival order and
//   are opened together (on a crypto worker if the batch is big), then checked and delivered one
//   by one in that order (Site.ReceivePipeline.cs).
//   Anything that changes protocol state (key promotion/deletion, renegotiation, MSG7, address
//   learning, NAK after a decrypt failure) is posted to the owner thread, at most one post of each
//   kind per site waiting at a time: packets come from the network at its rate, and the owner
//   thread's queue must stay bounded whatever they are (a flood of undecryptable MSG0s included).
using System.Buffers.Binary;
using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

public sealed partial class Site
{
    private readonly Lock _sendLock = new();
    private readonly Lock _receiveLock = new();
    private int _auxDeletePosted;
    private int _renegotiatePosted;
    // One flag per kind of data-path post: set by the thread that posts, cleared by the owner
    // thread as it handles the post. While set, that kind of news is not posted again.
    private int _auxUsedPosted, _pendingUsedPosted, _learnPosted, _undecryptablePosted, _badSeqLogPosted,
        _unknownInnerPosted, _closePosted, _sendFailedPosted;

    /// <summary>True for the one caller that finds <paramref name="flag"/> clear and sets it.</summary>
    private static bool ClaimPost(ref int flag) => Volatile.Read(ref flag) == 0 && Interlocked.Exchange(ref flag, 1) == 0;

    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>A packet from the netlink for the peer; takes ownership of the buffer.</summary>
    public void SendToPeer(PacketBuffer packet)
    {
        if (_stopped)
        {
            packet.Release();
            return;
        }
        _allowProd = true;
        var keys = Volatile.Read(ref _keys);
        if (keys.Current is not { } key || keys.DataAddresses.Length == 0)
        {
            int size = packet.Length;
            packet.Release();
            Interlocked.Increment(ref Counters._dropped);
            if (Interlocked.Exchange(ref _outgoingNoKeyPosted, 1) == 0) PostOutgoingWithoutKey(size);
            return;
        }
        if (!packet.TryPrepend(4, out var inner))
        {
            packet.Release();
            Interlocked.Increment(ref Counters._dropped);
            return;
        }
        BinaryPrimitives.WriteUInt32BigEndian(inner, MessageLabel.Msg9);
        EnqueueOutgoing(packet);
    }

    /// <summary>Stages 3-5 for one packet, behind anything already queued; the buffer stays with
    /// the caller.</summary>
    private bool SealAndTransmit(PacketBuffer packet, SessionKey key, PeerAddress[] addresses)
    {
        lock (_sendLock)
        {
            FlushOutgoingLocked();
            WaitForSealedBatches();
            var tr = key.Transform.Seal(packet, key.Transform.NextSendSequence());
            if (tr != TransformResult.Ok || !packet.TryPrepend(PacketHeader.Length, out var head))
            {
                Interlocked.Increment(ref Counters._dropped);
                return false;
            }
            new PacketHeader(key.RemoteIndex, LocalIndex, MessageLabel.Msg0).Write(head);
            return TransmitLocked(new ReadOnlySpan<PacketBuffer>(ref packet), addresses) > 0;
        }
    }

    private void OnOutgoingWithoutKey(int size)
    {
        Volatile.Write(ref _outgoingNoKeyPosted, 0);
        if (_state == SiteState.Stop) return;
        _log.Write(SiteLogEvents.PacketDrop, $"discarding outgoing packet of size {size}");
        InitiateKeySetup("outgoing packet", null);
    }

    private void OnDataSendFailed(PeerAddress a)
    {
        Volatile.Write(ref _sendFailedPosted, 0);
        int before = _dataPeers.Count;
        _dataPeers.OnSendFailed(a, _o.LocalMobile);
        if (_dataPeers.Count != before || _o.LocalMobile) PublishDataAddresses();
    }

    /// <summary>MSG7 with the current key to the data addresses (owner thread).</summary>
    private void SendClose(string reason)
    {
        var keys = _keys;
        if (keys.Current is not { } key || keys.DataAddresses.Length == 0) return;
        var buf = new PacketBuffer(PacketBuffer.DefaultHeadroom + Msg7.Length(reason.Length) + BufferPool.DefaultTailroom);
        buf.TryAppend(Msg7.Length(reason.Length), out var body);
        Msg7.Write(body, System.Text.Encoding.ASCII.GetBytes(reason));
        if (SealAndTransmit(buf, key, keys.DataAddresses) && _log.On(SiteLogEvents.DumpPackets))
            DumpPacket("outgoing", buf.Data, keys.DataAddresses[0]);
    }

    private enum KeyUsed { None, Current, Aux, Pending }

    /// <summary>A MSG0 for our index (comm thread). Consumes the buffer.</summary>
    private void ReceiveData(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header)
    {
        packet.TryTrimFront(PacketHeader.Length);
        if (TryEnqueueIncoming(comm, packet, source, header)) return;
        ReceiveDataOne(comm, packet, source, header, Volatile.Read(ref _keys));
    }

    /// <summary>Opens one MSG0 body (header already stripped) trying every key, then delivers it.</summary>
    private void ReceiveDataOne(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header, SiteKeys keys)
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
            RejectUnopened(comm, packet, source, header, keys, cur, curErr, aux, auxErr, pend, pendErr);
            return;
        }
        DeliverOpened(comm, packet, source, keys, used);
    }

    /// <summary>No key opened the packet (or its sequence number was refused): drop it, and unless
    /// only the sequence number was wrong, renegotiate and NAK on the owner thread.</summary>
    private void RejectUnopened(IComm comm, PacketBuffer packet, SocketAddress source, PacketHeader header, SiteKeys keys,
        TransformResult cur, string? curErr, TransformResult aux, string? auxErr, TransformResult pend, string? pendErr)
    {
        packet.Release();
        Interlocked.Increment(ref Counters._dropped);
        bool sequenceOnly = cur is TransformResult.SequenceRange or TransformResult.SequenceDuplicate
            || aux is TransformResult.SequenceRange or TransformResult.SequenceDuplicate
            || pend is TransformResult.SequenceRange or TransformResult.SequenceDuplicate;
        if (sequenceOnly)
        {
            // A replayed packet is normal (and cheap to send again and again): log the first of a
            // run, not each one.
            if (_log.On(SiteLogEvents.PacketDrop) && ClaimPost(ref _badSeqLogPosted))
                PostBadSequenceLog(RejectText(keys, curErr, auxErr, pendErr));
            return;
        }
        // Anyone who knows our index can send MSG0s that will not open: each wave of them costs
        // one log line, one key-setup attempt and one NAK, as many per round of the owner thread,
        // and the packets in between cost nothing but the counter.
        if (!ClaimPost(ref _undecryptablePosted)) return;
        var text = RejectText(keys, curErr, auxErr, pendErr);
        PostUndecryptable(text, NewPeerAddress(comm, source), header);
    }

    private static string RejectText(SiteKeys keys, string? curErr, string? auxErr, string? pendErr) =>
        $"transform: {curErr ?? "transform not set up"} (aux: {auxErr ?? "transform not set up"}, new: {(keys.Pending is null ? "n/a" : pendErr ?? "transform not set up")})";

    /// <summary>An opened, in-window packet: key bookkeeping and address learning go to the owner
    /// thread, the plaintext to the netlink.</summary>
    private void DeliverOpened(IComm comm, PacketBuffer packet, SocketAddress source, SiteKeys keys, KeyUsed used)
    {
        var usedKey = used switch { KeyUsed.Current => keys.Current!, KeyUsed.Aux => keys.Aux!, _ => keys.Pending! };
        if (used != KeyUsed.Current || (keys.Aux is not null && !keys.AuxIsNew))
        {
            bool claimed = used switch
            {
                KeyUsed.Current => ClaimPost(ref _auxDeletePosted),
                KeyUsed.Aux => ClaimPost(ref _auxUsedPosted),
                _ => ClaimPost(ref _pendingUsedPosted),
            };
            if (claimed) PostKeyUsed(used, usedKey);
        }
        if (_o.Mobile && (keys.DataAddresses.Length == 0 || !keys.DataAddresses[0].SameAs(comm, source))
            && ClaimPost(ref _learnPosted))
        {
            PostLearnDataAddress(NewPeerAddress(comm, source));
        }
        if (packet.Length < 4)
        {
            packet.Release();
            return;
        }
        uint inner = BinaryPrimitives.ReadUInt32BigEndian(packet.Data);
        if (inner == MessageLabel.Msg9)
        {
            if (_scheduler.NowMs >= keys.RenegotiateAtMs && Interlocked.Exchange(ref _renegotiatePosted, 1) == 0)
                _scheduler.Post(OnRenegotiateDue);
            packet.TryTrimFront(4);
            _link.FromTunnel(packet);
            return;
        }
        packet.Release();
        if (inner == MessageLabel.Msg7)
        {
            if (ClaimPost(ref _closePosted)) _scheduler.Post(OnPeerClosed);
        }
        else if (ClaimPost(ref _unknownInnerPosted))
        {
            PostUnknownInner(inner);
        }
    }

    // Lambdas that capture live in their own methods: a capture of a parameter of a per-packet
    // method would allocate its closure on every call, not only when the post happens.
    private void PostKeyUsed(KeyUsed used, SessionKey key) => _scheduler.Post(() => OnKeyUsed(used, key));

    private void PostDataSendFailed(PeerAddress a)
    {
        if (ClaimPost(ref _sendFailedPosted)) _scheduler.Post(() => OnDataSendFailed(a));
    }

    private void PostOutgoingWithoutKey(int size) => _scheduler.Post(() => OnOutgoingWithoutKey(size));

    private void PostLearnDataAddress(PeerAddress from) => _scheduler.Post(() => LearnDataAddress(from));

    private void PostUnknownInner(uint inner) => _scheduler.Post(() =>
    {
        Volatile.Write(ref _unknownInnerPosted, 0);
        _log.Write(SiteLogEvents.Security, $"incoming encrypted message of type {inner:x8} (unknown)");
    });

    private void PostBadSequenceLog(string text) => _scheduler.Post(() =>
    {
        Volatile.Write(ref _badSeqLogPosted, 0);
        _log.Write(SiteLogEvents.PacketDrop, text + " (bad seq.)");
    });

    private void PostUndecryptable(string text, PeerAddress from, PacketHeader header) =>
        _scheduler.Post(() => OnUndecryptable(text, from, header));

    private TransformResult TryOpen(SessionKey key, PacketBuffer packet, out string? error)
    {
        var r = key.Transform.Open(packet, out uint seq, out error);
        if (r != TransformResult.Ok) return r;
        lock (_receiveLock) return key.Transform.CheckSequence(seq, out error);
    }

    private static void Restore(PacketBuffer packet, byte[]? scratch, int length)
    {
        if (scratch is null) return;
        packet.Reset(packet.Start);
        scratch.AsSpan(0, length).CopyTo(packet.Writable);
        packet.SetLength(length);
    }

    // ---- owner-thread consequences of data packets -------------------------------------------

    private void OnKeyUsed(KeyUsed used, SessionKey key)
    {
        if (used == KeyUsed.Aux) Volatile.Write(ref _auxUsedPosted, 0);
        if (used == KeyUsed.Pending) Volatile.Write(ref _pendingUsedPosted, 0);
        var k = _keys;
        switch (used)
        {
            case KeyUsed.Current:
                Volatile.Write(ref _auxDeletePosted, 0);
                if (k.Aux is { } old && !k.AuxIsNew && ReferenceEquals(k.Current, key))
                {
                    _log.Write(SiteLogEvents.Security, "auxiliary key deleted (peer has used new key)");
                    Publish(k.With(clearAux: true));
                    Retire(old);
                    RescheduleExpiry();
                }
                break;
            case KeyUsed.Aux:
                if (k.AuxIsNew && ReferenceEquals(k.Aux, key))
                {
                    _log.Write(SiteLogEvents.Security, "previous key deleted (peer has used new key)");
                    Retire(k.Current);
                    long now = _scheduler.NowMs;
                    Publish(new SiteKeys(key, null, false, k.Pending, k.DataAddresses, now + _o.EffectiveRenegotiateTimeMs, k.Mtu));
                    RescheduleExpiry();
                }
                break;
            case KeyUsed.Pending:
                if (_state == SiteState.SentMsg5 && ReferenceEquals(_newKey, key))
                {
                    _log.Write(SiteLogEvents.StateChange, "will enter state RUN (MSG0 with new key)");
                    ActivatePendingKey();
                }
                break;
        }
    }

    private void OnRenegotiateDue()
    {
        Volatile.Write(ref _renegotiatePosted, 0);
        if (_scheduler.NowMs >= _keys.RenegotiateAtMs) InitiateKeySetup("incoming packet in renegotiation window", null);
    }

    private void LearnDataAddress(PeerAddress from)
    {
        Volatile.Write(ref _learnPosted, 0);
        _dataPeers.AddFront(from);
        _dataPeers.Expire(_scheduler.NowMs, _o.MobilePeerExpirySeconds * 1000L, _o.LocalMobile);
        PublishDataAddresses();
        _log.Write(SiteLogEvents.PeerAddrs, $"peer address (data) now {from}");
    }

    private void OnUndecryptable(string text, PeerAddress from, PacketHeader header)
    {
        Volatile.Write(ref _undecryptablePosted, 0);
        _log.Write(SiteLogEvents.Security, text);
        InitiateKeySetup("incoming message would not decrypt", null);
        from.Comm.SendNak(from.Address, header, "message would not decrypt");
    }

    private void OnPeerClosed()
    {
        Volatile.Write(ref _closePosted, 0);
        var k = _keys;
        if (k.Current is null && k.Aux is null) return;
        _log.Write(SiteLogEvents.Security, "session closed (request from peer)");
        Publish(k.With(clearCurrent: true, clearAux: true, auxIsNew: false));
        Retire(k.Current);
        Retire(k.Aux);
        RescheduleExpiry();
        if (_o.Keepalive) InitiateKeySetup("peer requested key teardown", null);
    }
}
