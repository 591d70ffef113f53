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
        return null;
    }
}
