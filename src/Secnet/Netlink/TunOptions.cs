namespace Secnet.Netlink;

/// <summary>tun flavours (netlink.md §10); only <see cref="Linux"/> can be opened here.</summary>
public enum TunFlavour
{
    Guess,
    Linux,
    Bsd,
    Streams,
}

/// <summary>How the interface and routes are configured (ifconfig-type / route-type).</summary>
public enum TunConfigType
{
    Guess,
    Ioctl,
    Bsd,
    Linux,
    Solaris25,
}

/// <summary>The tun-specific keys of a <c>tun</c>/<c>tun-old</c> device (config.md §4.9).
/// The non-Linux and command-based settings are accepted for compatibility; this
/// implementation configures Linux tun devices with ioctls and rtnetlink only.</summary>
public sealed record TunOptions
{
    public TunFlavour Flavour { get; init; } = TunFlavour.Guess;
    public string? DevicePath { get; init; }
    public string? Interface { get; init; }
    public bool InterfaceSearch { get; init; }
    public TunConfigType IfconfigType { get; init; } = TunConfigType.Guess;
    public TunConfigType RouteType { get; init; } = TunConfigType.Guess;
    public string? IfconfigPath { get; init; }
    public string? RoutePath { get; init; }
    public string IpPath { get; init; } = "/dev/ip";

    /// <summary>Our own key <c>offload</c>: use the tun's TSO/checksum offloads (virtio headers)
    /// when the kernel grants them. secnet ignores unknown keys, so configs stay portable.</summary>
    public bool Offload { get; init; } = true;

    /// <summary>The flavour after "guess": this implementation runs on Linux.</summary>
    public TunFlavour EffectiveFlavour => Flavour == TunFlavour.Guess ? TunFlavour.Linux : Flavour;

    /// <summary>"guess" resolved from the flavour, as secnet does: ioctl on Linux.</summary>
    public TunConfigType EffectiveIfconfigType => Resolve(IfconfigType);

    public TunConfigType EffectiveRouteType => Resolve(RouteType);

    private TunConfigType Resolve(TunConfigType type) => type != TunConfigType.Guess ? type : EffectiveFlavour switch
    {
        TunFlavour.Linux => TunConfigType.Ioctl,
        TunFlavour.Bsd => TunConfigType.Bsd,
        _ => TunConfigType.Solaris25,
    };

    /// <summary>secnet's default device file for the flavour.</summary>
    public string EffectiveDevicePath =>
        DevicePath ?? (EffectiveFlavour == TunFlavour.Linux ? TunDevice.DefaultDevicePath : "/dev/tun");
}
