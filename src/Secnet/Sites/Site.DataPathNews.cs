// What the data path (SendPath, ReceivePath: any I/O or crypto thread) tells the owner thread.
// Anything that changes protocol state (key promotion/deletion, renegotiation, MSG7, address
// learning, NAK after a decrypt failure) is posted, at most one post of each kind per site waiting
// at a time: packets come from the network at its rate, and the owner thread's queue must stay
// bounded whatever they are (a flood of undecryptable MSG0s included). The Note* methods run on
// the data path; the On* methods they post run on the owner thread and clear the flag.
using System.Net;
using Secnet.Comm;
using Secnet.Sites.Messages;

namespace Secnet.Sites;

public sealed partial class Site
{
    private int _auxDeletePosted;
    private int _renegotiatePosted;
    // Raised by a timer on the owner thread once the current keys' renegotiation time has passed,
    // so the data path tests a flag instead of reading the clock for every packet: the clock read
    // was a tenth of the user time of a packet arriving after an idle spell (perf, cold pings).
    private int _renegotiationDue;
    private IDisposable? _renegotiationTimer;
    // One flag per kind of data-path post: set by the thread that posts, cleared by the owner
    // thread as it handles the post. While set, that kind of news is not posted again.
    private int _auxUsedPosted, _pendingUsedPosted, _learnPosted, _undecryptablePosted, _badSeqLogPosted,
        _unknownInnerPosted, _closePosted, _sendFailedPosted, _outgoingNoKeyPosted, _sequencesPosted;

    /// <summary>True for the one caller that finds <paramref name="flag"/> clear and sets it.</summary>
    private static bool ClaimPost(ref int flag) => Volatile.Read(ref flag) == 0 && Interlocked.Exchange(ref flag, 1) == 0;

    /// <summary>MSG7 with the current key to the data addresses (owner thread).</summary>
    private void SendClose(string reason)
    {
        var keys = _keys;
        if (keys.Current is null || keys.DataAddresses.Length == 0) return;
        var buf = new Packets.PacketBuffer(Packets.PacketBuffer.DefaultHeadroom + Msg7.Length(reason.Length) + Packets.BufferPool.DefaultTailroom);
        buf.TryAppend(Msg7.Length(reason.Length), out var body);
        Msg7.Write(body, System.Text.Encoding.ASCII.GetBytes(reason));
        if (_send.SealAndSendNow(buf) && _log.On(SiteLogEvents.DumpPackets))
            DumpPacket("outgoing", buf.Data, keys.DataAddresses[0]);
    }

    // ---- news from the data path (any thread) ----------------------------------------------
    // Lambdas that capture live in Post* methods of their own: a capture of a parameter of a
    // per-packet method would allocate its closure on every call, not only when the post happens.

    internal void NoteOutgoingWithoutKey(int size)
    {
        if (Interlocked.Exchange(ref _outgoingNoKeyPosted, 1) == 0) PostOutgoingWithoutKey(size);
    }

    private void PostOutgoingWithoutKey(int size) => _scheduler.Post(() => OnOutgoingWithoutKey(size));

    internal void NoteDataSendFailed(PeerAddress a)
    {
        if (ClaimPost(ref _sendFailedPosted)) PostDataSendFailed(a);
    }

    private void PostDataSendFailed(PeerAddress a) => _scheduler.Post(() => OnDataSendFailed(a));

    internal void NoteKeyUsed(SiteKeys keys, KeyUsed used)
    {
        var key = used switch { KeyUsed.Current => keys.Current!, KeyUsed.Aux => keys.Aux!, _ => keys.Pending! };
        bool claimed = used switch
        {
            KeyUsed.Current => ClaimPost(ref _auxDeletePosted),
            KeyUsed.Aux => ClaimPost(ref _auxUsedPosted),
            _ => ClaimPost(ref _pendingUsedPosted),
        };
        if (claimed) PostKeyUsed(used, key);
    }

    private void PostKeyUsed(KeyUsed used, SessionKey key) => _scheduler.Post(() => OnKeyUsed(used, key));

    internal void NoteDataAddress(IComm comm, SocketAddress source)
    {
        if (ClaimPost(ref _learnPosted)) PostLearnDataAddress(NewPeerAddress(comm, source));
    }

    private void PostLearnDataAddress(PeerAddress from) => _scheduler.Post(() => LearnDataAddress(from));

    /// <summary>A packet arrived under the current keys: past their renegotiation time, that
    /// starts a key exchange (0.6.7 renegotiates on traffic, not on a timer).</summary>
    internal void NoteTrafficForRenegotiation()
    {
        if (Volatile.Read(ref _renegotiationDue) != 0 && Interlocked.Exchange(ref _renegotiatePosted, 1) == 0)
            _scheduler.Post(OnRenegotiateDue);
    }

    /// <summary>The current key has sealed half the packets its 32-bit sequence numbers allow
    /// (<see cref="Transforms.SequenceBudget"/>): ask for a new key, once per wave.</summary>
    internal void NoteSequencesRunningOut(bool exhausted)
    {
        if (ClaimPost(ref _sequencesPosted)) _scheduler.Post(() => OnSequencesRunningOut(exhausted));
    }

    /// <summary>An inner message other than MSG9: MSG7 closes the session.</summary>
    internal void NoteInnerMessage(uint inner)
    {
        if (inner == MessageLabel.Msg7)
        {
            if (ClaimPost(ref _closePosted)) _scheduler.Post(OnPeerClosed);
        }
        else if (ClaimPost(ref _unknownInnerPosted))
        {
            PostUnknownInner(inner);
        }
    }

    private void PostUnknownInner(uint inner) => _scheduler.Post(() =>
    {
        Volatile.Write(ref _unknownInnerPosted, 0);
        _log.Write(SiteLogEvents.Security, $"incoming encrypted message of type {inner:x8} (unknown)");
    });

    /// <summary>A replayed packet is normal (and cheap to send again and again): log the first of
    /// a run, not each one.</summary>
    internal void NoteBadSequence(SiteKeys keys, string? curErr, string? auxErr, string? pendErr)
    {
        if (_log.On(SiteLogEvents.PacketDrop) && ClaimPost(ref _badSeqLogPosted))
            PostBadSequenceLog(RejectText(keys, curErr, auxErr, pendErr));
    }

    private void PostBadSequenceLog(string text) => _scheduler.Post(() =>
    {
        Volatile.Write(ref _badSeqLogPosted, 0);
        _log.Write(SiteLogEvents.PacketDrop, text + " (bad seq.)");
    });

    /// <summary>Anyone who knows our index can send MSG0s that will not open: each wave of them
    /// costs one log line, one key-setup attempt and one NAK, as many per round of the owner
    /// thread, and the packets in between cost nothing but the counter.</summary>
    internal void NoteUndecryptable(IComm comm, SocketAddress source, PacketHeader header, SiteKeys keys,
        string? curErr, string? auxErr, string? pendErr)
    {
        if (ClaimPost(ref _undecryptablePosted))
            PostUndecryptable(RejectText(keys, curErr, auxErr, pendErr), NewPeerAddress(comm, source), header);
    }

    private void PostUndecryptable(string text, PeerAddress from, PacketHeader header) =>
        _scheduler.Post(() => OnUndecryptable(text, from, header));

    private static string RejectText(SiteKeys keys, string? curErr, string? auxErr, string? pendErr) =>
        $"transform: {curErr ?? "transform not set up"} (aux: {auxErr ?? "transform not set up"}, new: {(keys.Pending is null ? "n/a" : pendErr ?? "transform not set up")})";

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
                    RescheduleExpiry();
                }
                break;
            case KeyUsed.Aux:
                if (k.AuxIsNew && ReferenceEquals(k.Aux, key))
                {
                    _log.Write(SiteLogEvents.Security, "previous key deleted (peer has used new key)");
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

    private void OnSequencesRunningOut(bool exhausted)
    {
        Volatile.Write(ref _sequencesPosted, 0);
        if (exhausted) _log.Write(SiteLogEvents.Security, "current key has sealed nearly 2^32 packets: dropping outgoing packets until the new key");
        InitiateKeySetup("sequence numbers of the current key running out", null);
    }

    /// <summary>Owner thread, whenever the keys' renegotiation time changes: a timer raises
    /// <see cref="_renegotiationDue"/> when it passes.</summary>
    private void ArmRenegotiation(long renegotiateAtMs)
    {
        _renegotiationTimer?.Dispose();
        _renegotiationTimer = null;
        Volatile.Write(ref _renegotiationDue, 0);
        if (renegotiateAtMs == long.MaxValue) return;
        long delay = renegotiateAtMs - _scheduler.NowMs;
        if (delay <= 0) Volatile.Write(ref _renegotiationDue, 1);
        else _renegotiationTimer = _scheduler.Schedule(delay, OnRenegotiationTime);
    }

    private void OnRenegotiationTime()
    {
        _renegotiationTimer = null;
        ArmRenegotiation(_keys.RenegotiateAtMs);
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
        RescheduleExpiry();
        if (_o.Keepalive) InitiateKeySetup("peer requested key teardown", null);
    }
}
