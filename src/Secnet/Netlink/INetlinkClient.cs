using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>Link quality a site reports to its netlink client (netlink.md §4).</summary>
public enum LinkQuality
{
    Unused = 0,
    Down = 1,
    DownStaleAddress = 2,
    DownCurrentAddress = 3,
    Up = 4,
}

/// <summary>Implemented by a site: takes packets the router sends into this tunnel.</summary>
public interface ITunnelEndpoint
{
    /// <summary>A packet for the peer; the endpoint takes ownership of the buffer.
    /// Called on the netlink's delivery thread; must not block.</summary>
    void QueueSeal(PacketBuffer packet);
}

/// <summary>
/// The NETLINK closure value a site uses: one route ("client") of a netlink device.
/// </summary>
public interface INetlinkClient
{
    /// <summary>Tunnel name used in logs and the route dump.</summary>
    string Name { get; }

    /// <summary>Connects the site that carries this client's packets.</summary>
    void Register(ITunnelEndpoint endpoint);

    /// <summary>Site reports a quality change (routes and soft kernel routes follow it).</summary>
    void SetQuality(LinkQuality quality);

    /// <summary>Site sets the client MTU when a key is activated.</summary>
    void SetMtu(int mtu);

    /// <summary>A decrypted packet from the peer; the netlink takes ownership and routes it.</summary>
    void FromTunnel(PacketBuffer packet);
}
