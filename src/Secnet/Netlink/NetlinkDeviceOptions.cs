namespace Secnet.Netlink;

/// <summary>
/// The device-level keys shared by every netlink device (netlink.md §2). Exactly one of
/// <see cref="SecnetAddress"/> (router mode) and <see cref="PtpAddress"/> (point-to-point mode)
/// is set; <see cref="Validate"/> gives secnet's message when that is not so.
/// </summary>
public sealed record NetlinkDeviceOptions
{
    public const int DefaultMtu = 1000;

    public required string Name { get; init; }
    public IpSet Networks { get; init; } = IpSet.All;
    public IpSet RemoteNetworks { get; init; } = IpSet.All;
    public required uint LocalAddress { get; init; }
    public uint? SecnetAddress { get; init; }
    public uint? PtpAddress { get; init; }
    public int Mtu { get; init; } = DefaultMtu;

    /// <summary>IPv6 (our keys; 0.6.7 ignores them): the host's networks, allowed site routes,
    /// the interface address and the router's or the peer's address. IPv6 is carried only when
    /// <see cref="LocalAddress6"/> is set.</summary>
    public Ipv6Set Networks6 { get; init; } = Ipv6Set.All;
    public Ipv6Set RemoteNetworks6 { get; init; } = Ipv6Set.All;
    public UInt128? LocalAddress6 { get; init; }
    public UInt128? SecnetAddress6 { get; init; }
    public UInt128? PtpAddress6 { get; init; }

    public bool Ipv6Enabled => LocalAddress6 is not null;

    /// <summary>The IPv6 counterpart of <see cref="RemoteAddress"/>.</summary>
    public UInt128 RemoteAddress6 => SecnetAddress6 ?? PtpAddress6 ?? UInt128.Zero;

    public bool IsPointToPoint => PtpAddress is not null;

    /// <summary>The far end of the host interface: secnet-address, or the ptp-address. It is the
    /// gateway of every kernel route and the peer address of the interface.</summary>
    public uint RemoteAddress => SecnetAddress ?? PtpAddress ?? 0;

    /// <summary>Null when valid, else secnet's error text (facility: the device name).</summary>
    public string? Validate()
    {
        if (SecnetAddress is not null && PtpAddress is not null)
            return "you may not specify secnet-address and ptp-address in the same netlink device";
        if (SecnetAddress is null && PtpAddress is null)
            return "you must specify secnet-address or ptp-address for this netlink device";
        return Validate6();
    }

    /// <summary>The IPv6 keys follow the IPv4 mode: secnet-address6 in router mode, ptp-address6
    /// in point-to-point mode, both only with local-address6.</summary>
    public string? Validate6()
    {
        if (LocalAddress6 is null)
            return SecnetAddress6 is null && PtpAddress6 is null
                ? null
                : "secnet-address6 and ptp-address6 need local-address6";
        if (Mtu < Icmpv6Builder.MinimumMtu) return "IPv6 (local-address6) needs an mtu of at least 1280";
        if (IsPointToPoint)
        {
            if (SecnetAddress6 is not null) return "a point-to-point netlink takes ptp-address6, not secnet-address6";
            if (PtpAddress6 is null) return "local-address6 in a point-to-point netlink needs ptp-address6";
        }
        else
        {
            if (PtpAddress6 is not null) return "a router-mode netlink takes secnet-address6, not ptp-address6";
            if (SecnetAddress6 is null) return "local-address6 in a router-mode netlink needs secnet-address6";
        }
        return null;
    }
}
