using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// One route of a netlink device, used by exactly one site. Configuration fields are fixed at
/// creation; <see cref="Quality"/>, <see cref="Mtu"/> and the endpoint are written by the site
/// (event-loop thread) and read by routing on any thread, hence volatile.
/// </summary>
public sealed class NetlinkClient : INetlinkClient
{
    private readonly NetlinkDevice _device;
    private volatile ITunnelEndpoint? _endpoint;
    private volatile int _quality;
    private volatile int _mtu;
    private long _useCount;

    internal NetlinkClient(NetlinkDevice device, NetlinkRouteOptions options, int index)
    {
        _device = device;
        Options = options;
        Index = index;
        Routes = options.Routes;
        Routes6 = options.Routes6;
        Subnets = options.Routes.ToSubnets();
        _mtu = options.Mtu != 0 ? options.Mtu : device.Options.Mtu;
    }

    public NetlinkRouteOptions Options { get; }

    /// <summary>The device this client routes through (a reload matches devices by it).</summary>
    public NetlinkDevice Device => _device;
    public string Name => Options.Name;
    public IpSet Routes { get; }
    public Ipv6Set Routes6 { get; }

    /// <summary>The routes as minimal CIDR blocks (secnet's order), for the dump and kernel routes.</summary>
    public IReadOnlyList<Subnet> Subnets { get; }

    public bool IsSoft => (Options.Flags & NetlinkRouteFlags.Soft) != 0;
    public bool AllowsRouting => (Options.Flags & NetlinkRouteFlags.AllowRoute) != 0;
    public int Priority => Options.Priority;

    /// <summary>Registration order; breaks priority ties so the table order is deterministic.</summary>
    internal int Index { get; }

    public LinkQuality Quality => (LinkQuality)_quality;

    /// <summary>Routed to once the site has reported and unless it says the link is down; the two
    /// "down, address known" states count as up so that traffic triggers key setup (§4).</summary>
    public bool IsUp
    {
        get
        {
            var q = (LinkQuality)_quality;
            return q != LinkQuality.Down && q != LinkQuality.Unused;
        }
    }

    public int Mtu => _mtu;
    public long UseCount => Interlocked.Read(ref _useCount);
    internal ITunnelEndpoint? Endpoint => _endpoint;

    /// <summary>Whether the kernel route of this client is currently installed (device bookkeeping).</summary>
    internal bool KernelRouteInstalled { get; set; }

    /// <summary>Removed by a reload: its site's last quality changes must not touch kernel routes.</summary>
    internal bool Detached { get; set; }

    /// <summary>Soft routes follow <see cref="IsUp"/>; hard routes stay once the site has started.</summary>
    internal bool WantsKernelRoute => IsSoft ? IsUp : Quality != LinkQuality.Unused;

    public void Register(ITunnelEndpoint endpoint) => _endpoint = endpoint;

    public void SetQuality(LinkQuality quality)
    {
        _quality = (int)quality;
        _device.OnClientQualityChanged(this);
    }

    public void SetMtu(int mtu) => _mtu = mtu;

    public void FromTunnel(PacketBuffer packet) => _device.Router.Forward(this, packet);

    internal void CountUse() => Interlocked.Increment(ref _useCount);
}
