using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// The routing decision for every packet (§5–§8). Stages, all synchronous on the caller's thread,
/// from <see cref="Forward"/>:
/// validate (§5) → source check (§6.1) → point-to-point: straight across (§6.2) | router: to
/// secnet itself (§6.4) or TTL then route lookup (§6.3) → delivery with MTU and fragmentation (§7),
/// ICMP errors (§8) routed like secnet-originated packets. State read here is either immutable
/// (routing table, options) or volatile per client, so any number of threads may route at once.
/// </summary>
internal sealed partial class NetlinkRouter
{
    private const int MaximumLinkQuality = 3;
    private const int LocalMinimumLength = 28;
    private readonly NetlinkDevice _device;
    private readonly NetlinkDeviceOptions _options;
    private readonly NetlinkCounters _counters;

    public NetlinkRouter(NetlinkDevice device)
    {
        _device = device;
        _options = device.Options;
        _counters = device.Counters;
        _icmp6Limit = new Icmpv6RateLimiter();
    }

    private string Name => _options.Name;
    private ILog Log => _device.Log;

    /// <summary>A packet from the host (<paramref name="sender"/> null) or out of a tunnel; takes
    /// ownership.</summary>
    public void Forward(NetlinkClient? sender, PacketBuffer packet)
    {
        var data = packet.Data;
        // Without local-address6 IPv6 fails the IPv4 checks below, logged and counted as 0.6.7 does.
        if (data.Length > 0 && data[0] >> 4 == 6 && _options.Ipv6Enabled)
        {
            Forward6(sender, packet);
            return;
        }
        var check = Ipv4Validation.Check(data);
        if (!check.IsValid)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: bad IP packet from {sender?.Name ?? "host"}: {check.Reason()}");
            Drop(packet, NetlinkDrop.BadPacket);
            return;
        }

        uint source = Ipv4Header.Source(data);
        uint destination = Ipv4Header.Destination(data);
        if (sender is not null && !sender.Routes.Contains(source))
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: packet from tunnel {sender.Name} with bad source address (s={Ipv4Address.Format(source)},d={Ipv4Address.Format(destination)})");
            Drop(packet, NetlinkDrop.BadSource);
            return;
        }
        if (sender is null && !_options.Networks.Contains(source))
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: outgoing packet with bad source address (s={Ipv4Address.Format(source)},d={Ipv4Address.Format(destination)})");
            Drop(packet, NetlinkDrop.BadSource);
            return;
        }

        NetlinkClient? client;
        if (_options.IsPointToPoint)
        {
            client = sender is null ? _device.Clients[0] : null;
        }
        else
        {
            if (destination == _options.SecnetAddress)
            {
                Local(sender, packet);
                return;
            }
            if (Ipv4Header.Ttl(data) <= 1)
            {
                SendIcmp(sender, data, IcmpBuilder.TypeTimeExceeded, IcmpBuilder.CodeTtlExceeded, 0);
                Drop(packet, NetlinkDrop.TtlExceeded);
                return;
            }
            data[8]--;
            Ipv4Header.UpdateChecksum(data);
            if (!Lookup(sender, packet, out client)) return;
        }
        // The common case here rather than one call further: a packet that fits its MTU goes
        // straight to the tunnel's queue or the host's.
        if (client is null)
        {
            if (packet.Length > _options.Mtu)
            {
                DeliverToHost(sender, packet);
                return;
            }
            _counters.CountHost();
            _device.QueueToHost(packet);
        }
        else if (client.Endpoint is { } endpoint && packet.Length <= client.Mtu)
        {
            client.CountUse();
            endpoint.QueueSeal(packet);
        }
        else
        {
            DeliverToClient(client, packet);
        }
    }

    /// <summary>Packets whose destination is secnet-address: answer pings, refuse the rest.</summary>
    private void Local(NetlinkClient? sender, PacketBuffer packet)
    {
        _counters.CountLocal();
        var data = packet.Data;
        int headerLength = Ipv4Header.HeaderLength(data);
        bool isIcmp = Ipv4Header.Protocol(data) == Ipv4Header.ProtocolIcmp;
        if (data.Length < LocalMinimumLength || (isIcmp && data.Length < headerLength + 8))
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: short packet addressed to secnet; ignoring it");
            Drop(packet, NetlinkDrop.LocalShort);
            return;
        }
        int fragment = Ipv4Header.FragmentField(data);
        if ((fragment & (Ipv4Header.OffsetMask | Ipv4Header.FlagMoreFragments)) != 0)
        {
            if ((fragment & Ipv4Header.OffsetMask) == 0 && Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: fragmented packet addressed to secnet; ignoring it");
            Drop(packet, NetlinkDrop.LocalFragment);
            return;
        }
        if (!isIcmp)
        {
            SendIcmp(sender, data, IcmpBuilder.TypeUnreachable, IcmpBuilder.CodeProtocolUnreachable, 0);
            Drop(packet, NetlinkDrop.LocalProtocolUnreachable);
            return;
        }
        var icmp = data[headerLength..];
        if (icmp[0] != IcmpBuilder.TypeEchoRequest || icmp[1] != 0)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: unknown incoming ICMP");
            Drop(packet, NetlinkDrop.LocalUnknownIcmp);
            return;
        }
        // The reply reuses the request in place: id, TOS, flags, options and payload stay.
        icmp[0] = IcmpBuilder.TypeEchoReply;
        Ipv4Header.SetDestination(data, Ipv4Header.Source(data));
        Ipv4Header.SetSource(data, _options.RemoteAddress);
        data[8] = 255;
        Ipv4Header.UpdateChecksum(data);
        IcmpBuilder.SetChecksum(icmp);
        _counters.CountIcmp();
        Route(packet);
    }

    /// <summary>Routes a packet secnet made (an echo reply, an ICMP error) in router mode.</summary>
    private void Route(PacketBuffer packet)
    {
        if (!Lookup(null, packet, out var client)) return;
        if (client is null) DeliverToHost(null, packet);
        else DeliverToClient(client, packet);
    }

    /// <summary>Router-mode lookup (§6.3 step 3); <paramref name="sender"/> null = host or secnet.
    /// The tunnel to send to, or null for the host; false when the packet was dropped here (and
    /// answered with an ICMP error if that is due).</summary>
    private bool Lookup(NetlinkClient? sender, PacketBuffer packet, out NetlinkClient? client)
    {
        client = null;
        var data = packet.Data;
        uint source = Ipv4Header.Source(data);
        uint destination = Ipv4Header.Destination(data);
        if (destination == _options.SecnetAddress)
        {
            if (Log.IsEnabled(LogClass.Error)) Log.Log(LogClass.Error, $"{Name}: trying to deliver a packet to myself!");
            Drop(packet, NetlinkDrop.DeliverToSelf);
            return false;
        }

        bool allow = sender is null || sender.AllowsRouting;
        bool foundAllowed = false;
        NetlinkClient? best = null;
        int bestQuality = 0;
        var table = _device.RoutingTable;
        for (int i = 0; i < table.Count; i++)
        {
            var candidate = table[i];
            int quality = (int)candidate.Quality;
            bool up = quality != (int)LinkQuality.Down && quality != (int)LinkQuality.Unused;
            if (!up || !candidate.Routes.Contains(destination)) continue;
            if (!allow && foundAllowed && !candidate.AllowsRouting) continue;
            if (quality > bestQuality || bestQuality == 0)
            {
                best = candidate;
                bestQuality = quality;
                if (candidate.AllowsRouting) foundAllowed = true;
                if (bestQuality >= MaximumLinkQuality && (allow || foundAllowed)) break;
            }
        }

        if (best is null)
        {
            if (_options.Networks.Contains(destination)) return true;
            if (Log.IsEnabled(LogClass.Debug))
                Log.Log(LogClass.Debug, $"{Name}: don't know where to deliver packet (s={Ipv4Address.Format(source)}, d={Ipv4Address.Format(destination)})");
            SendIcmp(sender, data, IcmpBuilder.TypeUnreachable, IcmpBuilder.CodeNetUnreachable, 0);
            Drop(packet, NetlinkDrop.NoRoute);
            return false;
        }
        if (!allow && !best.AllowsRouting)
        {
            if (Log.IsEnabled(LogClass.Notice))
                Log.Log(LogClass.Notice, $"{Name}: denied forwarding for packet (s={Ipv4Address.Format(source)}, d={Ipv4Address.Format(destination)})");
            SendIcmp(sender, data, IcmpBuilder.TypeUnreachable, IcmpBuilder.CodeNetProhibited, 0);
            Drop(packet, NetlinkDrop.ForwardingDenied);
            return false;
        }
        client = best;
        return true;
    }

    private void DeliverToClient(NetlinkClient client, PacketBuffer packet)
    {
        var endpoint = client.Endpoint;
        if (endpoint is null)
        {
            if (Log.IsEnabled(LogClass.Error))
            {
                var data = packet.Data;
                Log.Log(LogClass.Error, $"{Name}: dropping {Ipv4Address.Format(Ipv4Header.Source(data))}->{Ipv4Address.Format(Ipv4Header.Destination(data))}, client not registered");
            }
            Drop(packet, NetlinkDrop.ClientNotRegistered);
            return;
        }
        client.CountUse();
        if (packet.Length <= client.Mtu)
        {
            endpoint.QueueSeal(packet);
            return;
        }
        // As in secnet, an ICMP "fragmentation needed" for a packet towards a tunnel is treated as
        // about a packet from the host (it came from the host or was forwarded by us).
        TooBig(null, DeliveryTarget.Tunnel(endpoint), client.Name, client.Mtu, packet);
    }

    private void DeliverToHost(NetlinkClient? sender, PacketBuffer packet)
    {
        _counters.CountHost();
        if (packet.Length <= _options.Mtu)
        {
            _device.QueueToHost(packet);
            return;
        }
        TooBig(sender, DeliveryTarget.Host(_device), "(host)", _options.Mtu, packet);
    }

    /// <summary>§7 for a packet over the MTU: refuse with ICMP 3/4 (DF), or fragment.</summary>
    private void TooBig(NetlinkClient? sender, DeliveryTarget target, string via, int mtu, PacketBuffer packet)
    {
        var data = packet.Data;
        if ((Ipv4Header.FragmentField(data) & Ipv4Header.FlagDontFragment) != 0)
        {
            SendIcmp(sender, data, IcmpBuilder.TypeUnreachable, IcmpBuilder.CodeFragmentationNeeded, (uint)(mtu & 0xffff));
            Drop(packet, NetlinkDrop.DontFragment);
            return;
        }
        if (mtu < Ipv4Header.HeaderLength(data) + 8)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: fragmenting packet from source {Ipv4Address.Format(Ipv4Header.Source(data))} for transmission via {via}: mtu {mtu} too small");
            Drop(packet, NetlinkDrop.MtuTooSmall);
            return;
        }
        var result = Fragmenter.Fragment(data, mtu, _device.Pool, target, _counters);
        if (result != Fragmenter.Result.Sent)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: fragmenting packet from source {Ipv4Address.Format(Ipv4Header.Source(data))} for transmission via {via}: {Fragmenter.Describe(result)}");
            _counters.Drop(result == Fragmenter.Result.NoBuffer ? NetlinkDrop.NoBuffer : NetlinkDrop.FragmentError);
        }
        packet.Release();
    }

    /// <summary>An ICMP error about <paramref name="offending"/>, which arrived from
    /// <paramref name="originalSender"/> (null: host or secnet).</summary>
    private void SendIcmp(NetlinkClient? originalSender, ReadOnlySpan<byte> offending, int type, int code, uint info)
    {
        if (!IcmpBuilder.MayReplyTo(offending)) return;
        uint destination = Ipv4Header.Source(offending);
        // Point-to-point: pretend to be the host when answering the tunnel, the peer when
        // answering the host.
        uint source = _options.IsPointToPoint && originalSender is not null
            ? _options.LocalAddress
            : _options.RemoteAddress;
        var reply = IcmpBuilder.Build(_device.Pool, offending, source, destination, type, code, info);
        if (reply is null)
        {
            _counters.Drop(NetlinkDrop.NoBuffer);
            return;
        }
        _counters.CountIcmp();
        if (!_options.IsPointToPoint) Route(reply);
        else if (originalSender is not null) DeliverToClient(originalSender, reply);
        else DeliverToHost(null, reply);
    }

    private void Drop(PacketBuffer packet, NetlinkDrop reason)
    {
        _counters.Drop(reason);
        packet.Release();
    }
}
