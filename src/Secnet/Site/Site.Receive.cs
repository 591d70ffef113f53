using System.Net;
using Secnet.Comm;
using Secnet.Packets;
using Secnet.Site.Messages;

namespace Secnet.Site;

public sealed partial class Site
{
    /// <summary>
    /// protocol.md §8: claim MSG1/PROD by names, everything else by dest index. Runs on the comm's
    /// thread: MSG0 goes down the data path here; setup messages are copied and posted to the owner.
    /// </summary>
    public bool TryReceive(IComm comm, PacketBuffer packet, SocketAddress source, ref string? refusal)
    {
        var data = packet.Data;
        if (_stopped || !PacketHeader.TryParse(data, out var h)) return false;
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
            if (!receiver.SequenceEqual(_localName)) { refusal = "unknown local name: " + System.Text.Encoding.ASCII.GetString(receiver); return false; }
            if (!sender.SequenceEqual(_peerName)) { refusal = "unknown remote name: " + System.Text.Encoding.ASCII.GetString(sender); return false; }
        }
        else if (h.Dest != LocalIndex)
        {
            refusal ??= "not MSG1 or PROD; unknown dest index";
            return false;
        }
        Interlocked.Increment(ref Counters._received);
        if (h.Label == MessageLabel.Msg0)
        {
            ReceiveData(comm, packet, source, h);
            return true;
        }
        PostSetupPacket(data.ToArray(), NewPeerAddress(comm, source));
        packet.Release();
        return true;
    }

    // Its own method: a lambda capturing TryReceive's locals would allocate its closure on every
    // call, MSG0s included.
    private void PostSetupPacket(byte[] copy, PeerAddress from) => _scheduler.Post(() => OnSetupPacket(copy, from));

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
