using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// IPv6 through the same device (our addition; 0.6.7 drops IPv6). Stages as for IPv4: validate →
/// source check (site: its routes6; host: networks6) → point-to-point: across if the peer has a
/// routes6 prefix for the destination | router: to secnet-address6, or hop limit then the longest
/// matching prefix among the up sites' routes6 and the host's networks6 → delivery; a packet over
/// the MTU is answered "packet too big" (never fragmented). ICMPv6 errors go through
/// <see cref="Icmpv6RateLimiter"/>. Nothing here allocates.
/// </summary>
internal sealed partial class NetlinkRouter
{
    private readonly Icmpv6RateLimiter _icmp6Limit;

    private void Forward6(NetlinkClient? sender, PacketBuffer packet)
    {
        var data = packet.Data;
        var check = Ipv6Validation.Check(data);
        if (!check.IsValid)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, $"{Name}: bad IPv6 packet from {sender?.Name ?? "host"}: {check.Reason()}");
            Drop(packet, NetlinkDrop.BadPacket6);
            return;
        }
        var source = Ipv6Header.Source(data);
        var destination = Ipv6Header.Destination(data);
        // The kernel's own neighbour discovery, router solicitations and MLD on the tun, or the
        // same from a peer: link-scoped, never routed.
        if (Ipv6Address.IsLinkLocal(source) || Ipv6Address.IsMulticast(destination) || Ipv6Address.IsLinkLocal(destination))
        {
            Drop(packet, NetlinkDrop.LinkLocal6);
            return;
        }
        // Only secnet speaks from secnet-address6 (our addition over the IPv4 checks: the fuzzer
        // showed host packets claiming it pass for secnet's own).
        if ((sender is not null ? !sender.Routes6.Contains(source) : !_options.Networks6.Contains(source))
            || source == _options.SecnetAddress6)
        {
            if (Log.IsEnabled(LogClass.Warning))
                Log.Log(LogClass.Warning, sender is null
                    ? $"{Name}: outgoing IPv6 packet with bad source address (s={Ipv6Address.Format(source)},d={Ipv6Address.Format(destination)})"
                    : $"{Name}: IPv6 packet from tunnel {sender.Name} with bad source address (s={Ipv6Address.Format(source)},d={Ipv6Address.Format(destination)})");
            Drop(packet, NetlinkDrop.BadSource6);
            return;
        }

        NetlinkClient? client;
        if (_options.IsPointToPoint)
        {
            client = null;
            if (sender is null)
            {
                client = _device.Clients[0];
                if (!client.Routes6.Contains(destination))
                {
                    SendIcmp6(null, data, Icmpv6Builder.TypeUnreachable, Icmpv6Builder.CodeNoRoute, 0);
                    Drop(packet, NetlinkDrop.NoRoute6);
                    return;
                }
            }
        }
        else
        {
            if (destination == _options.SecnetAddress6)
            {
                Local6(sender, packet);
                return;
            }
            if (Ipv6Header.HopLimit(data) <= 1)
            {
                SendIcmp6(sender, data, Icmpv6Builder.TypeTimeExceeded, Icmpv6Builder.CodeHopLimitExceeded, 0);
                Drop(packet, NetlinkDrop.HopLimitExceeded);
                return;
            }
            data[7]--;
            if (!Lookup6(sender, packet, out client)) return;
        }
        if (client is null) DeliverToHost6(sender, packet);
        else DeliverToClient6(sender, client, packet);
    }

    /// <summary>To secnet-address6: echo requests are answered in place, other ICMPv6 ignored,
    /// anything else refused with "port unreachable".</summary>
    private void Local6(NetlinkClient? sender, PacketBuffer packet)
    {
        _counters.CountLocal();
        var data = packet.Data;
        if (Ipv6Header.NextHeader(data) != Ipv6Header.NextHeaderIcmpv6)
        {
            SendIcmp6(sender, data, Icmpv6Builder.TypeUnreachable, Icmpv6Builder.CodePortUnreachable, 0);
            Drop(packet, NetlinkDrop.LocalPortUnreachable6);
            return;
        }
        if (data.Length < Ipv6Header.Length + 8 || data[Ipv6Header.Length] != Icmpv6Builder.TypeEchoRequest || data[Ipv6Header.Length + 1] != 0)
        {
            Drop(packet, NetlinkDrop.LocalUnknownIcmp6);
            return;
        }
        data[Ipv6Header.Length] = Icmpv6Builder.TypeEchoReply;
        Ipv6Header.SetDestination(data, Ipv6Header.Source(data));
        Ipv6Header.SetSource(data, _options.RemoteAddress6);
        data[7] = 255;
        Icmpv6Builder.SetChecksum(data);
        _counters.CountIcmp();
        Route6(packet);
    }

    /// <summary>Routes a packet secnet made in router mode.</summary>
    private void Route6(PacketBuffer packet)
    {
        if (!Lookup6(null, packet, out var client)) return;
        if (client is null) DeliverToHost6(null, packet);
        else DeliverToClient6(null, client, packet);
    }

    /// <summary>The longest prefix wins; among sites with equally long prefixes the best link
    /// quality, then the routing table's order (priority). The host's networks6 win a tie with a
    /// site. Forwarding between sites needs allow-route as for IPv4.</summary>
    private bool Lookup6(NetlinkClient? sender, PacketBuffer packet, out NetlinkClient? client)
    {
        client = null;
        var data = packet.Data;
        var destination = Ipv6Header.Destination(data);
        if (destination == _options.SecnetAddress6)
        {
            Drop(packet, NetlinkDrop.DeliverToSelf);
            return false;
        }
        NetlinkClient? best = null;
        int bestLength = -1;
        int bestQuality = 0;
        var table = _device.RoutingTable;
        for (int i = 0; i < table.Count; i++)
        {
            var candidate = table[i];
            int quality = (int)candidate.Quality;
            if (quality == (int)LinkQuality.Down || quality == (int)LinkQuality.Unused) continue;
            int length = candidate.Routes6.LongestMatch(destination);
            if (length < 0 || length < bestLength || (length == bestLength && quality <= bestQuality)) continue;
            best = candidate;
            bestLength = length;
            bestQuality = quality;
        }
        int hostLength = _options.Networks6.LongestMatch(destination);
        if (hostLength >= 0 && hostLength >= bestLength) return true;
        if (best is null)
        {
            SendIcmp6(sender, data, Icmpv6Builder.TypeUnreachable, Icmpv6Builder.CodeNoRoute, 0);
            Drop(packet, NetlinkDrop.NoRoute6);
            return false;
        }
        if (sender is not null && !sender.AllowsRouting && !best.AllowsRouting)
        {
            SendIcmp6(sender, data, Icmpv6Builder.TypeUnreachable, Icmpv6Builder.CodeProhibited, 0);
            Drop(packet, NetlinkDrop.ForwardingDenied6);
            return false;
        }
        client = best;
        return true;
    }

    private void DeliverToClient6(NetlinkClient? sender, NetlinkClient client, PacketBuffer packet)
    {
        var endpoint = client.Endpoint;
        if (endpoint is null)
        {
            Drop(packet, NetlinkDrop.ClientNotRegistered);
            return;
        }
        if (packet.Length > client.Mtu)
        {
            // As for IPv4's "fragmentation needed", the error is about a packet from this side.
            SendIcmp6(sender, packet.Data, Icmpv6Builder.TypePacketTooBig, 0, (uint)client.Mtu);
            Drop(packet, NetlinkDrop.PacketTooBig);
            return;
        }
        client.CountUse();
        endpoint.QueueSeal(packet);
    }

    private void DeliverToHost6(NetlinkClient? sender, PacketBuffer packet)
    {
        if (packet.Length > _options.Mtu)
        {
            SendIcmp6(sender, packet.Data, Icmpv6Builder.TypePacketTooBig, 0, (uint)_options.Mtu);
            Drop(packet, NetlinkDrop.PacketTooBig);
            return;
        }
        _counters.CountHost();
        _device.QueueToHost(packet);
    }

    /// <summary>An ICMPv6 error about <paramref name="offending"/>, which came from
    /// <paramref name="originalSender"/> (null: the host or secnet).</summary>
    private void SendIcmp6(NetlinkClient? originalSender, ReadOnlySpan<byte> offending, int type, int code, uint info)
    {
        if (!Icmpv6Builder.MayReplyTo(offending)) return;
        if (!_icmp6Limit.Allow(type))
        {
            _counters.Drop(NetlinkDrop.Icmpv6RateLimited);
            return;
        }
        var destination = Ipv6Header.Source(offending);
        var source = _options.IsPointToPoint && originalSender is not null
            ? _options.LocalAddress6!.Value
            : _options.RemoteAddress6;
        var reply = Icmpv6Builder.Build(_device.Pool, offending, source, destination, type, code, info);
        if (reply is null)
        {
            _counters.Drop(NetlinkDrop.NoBuffer);
            return;
        }
        _counters.CountIcmp();
        if (!_options.IsPointToPoint) Route6(reply);
        else if (originalSender is not null) DeliverToClient6(null, originalSender, reply);
        else DeliverToHost6(null, reply);
    }
}
