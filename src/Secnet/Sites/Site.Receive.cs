using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Sites.Messages;

namespace Secnet.Sites;

public sealed partial class Site
{
    /// <summary>A datagram offered outside a comm (captures replayed, test and benchmark rigs):
    /// parses the header the comm would have parsed.</summary>
    public bool TryReceive(IComm comm, PacketBuffer packet, SocketAddress source, ref string? refusal) =>
        PacketHeader.TryParse(packet.Data, out var h) && TryReceive(comm, packet, h, source, ref refusal);

    /// <summary>
    /// protocol.md §8: claim MSG1/PROD by names, everything else by dest index. Runs on the comm's
    /// thread: MSG0 goes down the data path here; setup messages are copied and posted to the owner.
    /// The comm offers anything but MSG1/PROD only to the site with its dest index, but the check
    /// stays: it is one comparison, and what the claim means does not hang on the caller.
    /// </summary>
    public bool TryReceive(IComm comm, PacketBuffer packet, PacketHeader h, SocketAddress source, ref string? refusal)
    {
        var data = packet.Data;
        if (_stopped) return false;
        if (h.Label is MessageLabel.Msg1 or MessageLabel.Prod)
        {
            ReadOnlySpan<byte> sender, receiver;
            if (h.Label == MessageLabel.Msg1)
            {
                if (!Msg1.TryParse(data, out var m1)) { refusal = "malformed"; return false; }
                sender = m1.SenderName;
                receiver = m1.ReceiverName;
            }
            else
            {
                if (!Prod.TryParse(data, out var pr)) { refusal = "malformed"; return false; }
                sender = pr.SenderName;
                receiver = pr.ReceiverName;
            }
            if (!receiver.SequenceEqual(_localName)) { Refuse(ref refusal, "unknown local name: ", receiver); return false; }
            if (!sender.SequenceEqual(_peerName)) { Refuse(ref refusal, "unknown remote name: ", sender); return false; }
        }
        else if (h.Dest != LocalIndex)
        {
            refusal ??= CommReceivers.UnknownDestIndex;
            return false;
        }
        Interlocked.Increment(ref Counters._received);
        Interlocked.Add(ref Counters._bytesReceived, data.Length);
        if (h.Label == MessageLabel.Msg0)
        {
            _receive.QueueOpen(comm, packet, source, h);
            return true;
        }
        // Ours, so no NAK either way; but only a few may wait for the owner thread (see
        // MaxQueuedSetupPackets), checked before anything is copied.
        if (Interlocked.Increment(ref _setupQueued) > MaxQueuedSetupPackets)
        {
            Interlocked.Decrement(ref _setupQueued);
            Interlocked.Increment(ref Counters._setupOverflow);
        }
        else
        {
            PostSetupPacket(data.ToArray(), NewPeerAddress(comm, source));
        }
        packet.Release();
        return true;
    }

    /// <summary>
    /// Sets the NAK reason to <paramref name="prefix"/> and the name, escaped and cut as 0.6.7 does
    /// (the reason is logged, and the name is the sender's to choose). A stray MSG1 is offered to
    /// every site of a hub (claimed by names, it has no index to look up), and they all refuse it
    /// with the same text: it is made once per datagram, not once per site, so a flood of them
    /// makes no garbage per site.
    /// </summary>
    private static void Refuse(ref string? refusal, string prefix, ReadOnlySpan<byte> name)
    {
        Span<char> text = stackalloc char[Log.NetworkText.MaxReasonLength];
        int length = Log.NetworkText.FormatReason(prefix, name, text);
        if (refusal is not null && refusal.AsSpan().SequenceEqual(text[..length])) return;
        refusal = new string(text[..length]);
    }

    /// <summary>
    /// Most key-setup packets of one site waiting for the owner thread; more are dropped (and
    /// counted) as they arrive. The network feeds this queue, so it must be bounded: a flood of
    /// MSG1s or NAKs that name one site then costs the owner thread at most this many packets per
    /// round (EventLoop) and the other sites and the timers keep their turns. A peer has one setup
    /// message outstanding and resends that same message every setup-timeout, a mobile one to
    /// each of our addresses (up to 5); with a crossed MSG1 and a NAK or PROD, 8 holds everything
    /// one exchange can have in flight, and what an overloaded owner thread misses beyond that
    /// are copies the peer will send again.
    /// </summary>
    public const int MaxQueuedSetupPackets = 8;

    private int _setupQueued;

    // Its own method: a lambda capturing TryReceive's locals would allocate its closure on every
    // call, MSG0s included.
    private void PostSetupPacket(byte[] copy, PeerAddress from) => _scheduler.Post(() =>
    {
        Interlocked.Decrement(ref _setupQueued);
        OnSetupPacket(copy, from);
    });

    /// <summary>Owner thread: a claimed non-MSG0 packet.</summary>
    internal void OnSetupPacket(byte[] packet, PeerAddress from)
    {
        if (_state == SiteState.Stop) return;
        PacketHeader.TryParse(packet, out var h);
        if (h.Label != MessageLabel.Nak) DumpPacket("incoming", packet, from);
        switch (h.Label)
        {
            case MessageLabel.Msg1: OnMsg1(packet, from); break;
            case MessageLabel.Msg2: OnMsg2(packet, from); break;
            case MessageLabel.Msg3:
            case MessageLabel.Msg3Bis: OnMsg3(packet, from); break;
            case MessageLabel.Msg4: OnMsg4(packet, from); break;
            case MessageLabel.Msg5: OnMsg5(packet, from); break;
            case MessageLabel.Msg6: OnMsg6(packet, from); break;
            case MessageLabel.Nak: OnNak(h, from); break;
            case MessageLabel.Prod: OnProd(from); break;
            default:
                _log.Write(SiteLogEvents.Security, $"received message of unknown type 0x{h.Label:x8}");
                break;
        }
    }

    private void Unexpected(string what) => _log.Write(SiteLogEvents.Unexpected, $"unexpected {what}");

    private void Malformed(string what)
    {
        Interlocked.Increment(ref Counters._malformed);
        _log.Write(SiteLogEvents.PacketDrop, $"{what}: malformed");
    }

    /// <summary>A mobile peer's valid setup message teaches us where it is now.</summary>
    private void LearnSetupAddress(PeerAddress from)
    {
        if (!_o.Mobile) return;
        _setupPeers.AddFront(from);
        _log.Write(SiteLogEvents.PeerAddrs, $"peer address (setup) now {from}");
    }

    private void OnNak(PacketHeader h, PeerAddress from)
    {
        var current = _keys.Current;
        uint expected = current?.RemoteIndex ?? 0;
        if (h.Source != expected)
        {
            _log.Write(SiteLogEvents.Security, "bad incoming NAK");
            return;
        }
        if (!InitiateKeySetup("received a NAK", null)) SendProdIfAllowed(from);
    }

    private void SendProdIfAllowed(PeerAddress to)
    {
        if (!_allowProd || _state is not (SiteState.Run or SiteState.Resolve or SiteState.Wait)) return;
        _allowProd = false;
        _log.Write(SiteLogEvents.SetupInit, "prodding peer for key exchange");
        var prod = new Prod { SenderName = _localName, ReceiverName = _peerName };
        var bytes = new byte[prod.Length];
        prod.Write(bytes);
        bool ok = to.Comm.Send(bytes, to.Address);
        DumpPacket("outgoing", bytes, to, ok);
    }

    private void OnProd(PeerAddress from)
    {
        if (_state != SiteState.Run)
        {
            _log.Write(SiteLogEvents.Unexpected, "ignoring PROD when not in state RUN");
            return;
        }
        if (_keys.Current is not null)
        {
            _log.Write(SiteLogEvents.Unexpected, "ignoring PROD when we think we have a key");
            return;
        }
        InitiateKeySetup("peer sent PROD packet", from);
    }
}
