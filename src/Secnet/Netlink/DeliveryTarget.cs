using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>Where a routed packet too big for its MTU leaves, fragmented: the host (kernel) or one
/// tunnel's endpoint. A struct so choosing a target allocates nothing.</summary>
internal readonly struct DeliveryTarget
{
    private readonly NetlinkDevice? _host;
    private readonly ITunnelEndpoint? _endpoint;

    private DeliveryTarget(NetlinkDevice? host, ITunnelEndpoint? endpoint)
    {
        _host = host;
        _endpoint = endpoint;
    }

    public static DeliveryTarget Host(NetlinkDevice device) => new(device, null);
    public static DeliveryTarget Tunnel(ITunnelEndpoint endpoint) => new(null, endpoint);

    /// <summary>Hands over ownership of <paramref name="packet"/>.</summary>
    public void Send(PacketBuffer packet)
    {
        if (_endpoint is not null) _endpoint.QueueSeal(packet);
        else _host!.QueueToHost(packet);
    }
}
