namespace Secnet.Netlink;

/// <summary>The words of a client's <c>options</c> list.</summary>
[Flags]
public enum NetlinkRouteFlags
{
    None = 0,
    /// <summary><c>soft</c>: the kernel route follows the link's up/down state.</summary>
    Soft = 1,
    /// <summary><c>allow-route</c>: packets may be forwarded between this and other tunnels.</summary>
    AllowRoute = 2,
}

/// <summary>One client ("route", "tunnel") of a netlink device: the stage-2 dictionary (§3).</summary>
public sealed record NetlinkRouteOptions
{
    public required string Name { get; init; }
    public required IpSet Routes { get; init; }

    /// <summary><c>routes6</c> (our key): the IPv6 prefixes behind the site. A site without them
    /// is sent no IPv6, which is how a 0.6.7 peer (it drops IPv6) is kept from it.</summary>
    public Ipv6Set Routes6 { get; init; } = Ipv6Set.Empty;
    public NetlinkRouteFlags Flags { get; init; }
    public int Priority { get; init; }

    /// <summary>0 means "the device's mtu".</summary>
    public int Mtu { get; init; }
}
