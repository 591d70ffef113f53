using System.Net;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;
using Secnet.Runtime;

namespace Secnet.Netlink;

/// <summary>
/// The <c>tun</c> netlink device: a Linux tun interface configured as a point-to-point link
/// (local-address ↔ secnet-/ptp-address) and kernel routes via the remote address.
/// Phases: <see cref="AcquireResources"/> opens and configures the interface, then installs the
/// routes clients want (after configuration, unlike secnet, so soft routes cannot fail with
/// "Network is unreachable"); <see cref="Start"/> starts the reader; <see cref="Shutdown"/>
/// closes the device, which takes its routes with it.
/// </summary>
public sealed class TunNetlink : NetlinkDevice
{
    public const string DefaultName = "netlink-tun";

    private readonly TunOptions _tun;
    private TunDevice? _device;
    private TunPacketPump? _pump;

    public TunNetlink(NetlinkDeviceOptions options, TunOptions tun, ILog log, BufferPool pool)
        : base(options, log, pool)
    {
        _tun = tun;
        Fatal = RunFatal.Route(null, log);
    }

    /// <summary>Receives run-time fatal errors (device gone, route change refused): the module
    /// sets <see cref="RunFatal.Route"/> through the event loop, so they end the daemon through
    /// SHUTDOWN like every other fatal error.</summary>
    public Action<string> Fatal { get; set; }

    public override bool SupportsSoftRoutes => true;

    public override bool ManagesKernelRoutes => true;

    public override string ReloadSignature => $"{base.ReloadSignature} {_tun}";

    /// <summary>The interface once opened (for logs and tests).</summary>
    public string? InterfaceName => _device?.InterfaceName;

    /// <summary>The <c>offload</c> key: whether offloads will be asked for when the device opens.</summary>
    public bool OffloadRequested => _tun.Offload;

    /// <summary>True once opened with TSO/checksum offloads granted by the kernel.</summary>
    public bool OffloadActive => _device?.Offload ?? false;

    /// <summary>The packet pump once opened (its counters, for tests and diagnostics).</summary>
    public TunPacketPump? Pump => _pump;

    protected override string? CountersReport()
    {
        if (_pump is not { } p) return base.CountersReport();
        var o = p.Offload;
        return $"{base.CountersReport()}; packets read {p.PacketsRead}, written {p.PacketsWritten}, write failures {p.WriteFailures}, " +
            $"empty reads {p.EmptyReads}; offload {(_device?.Offload == true ? "on" : "off")}: {o.SegmentsMade} segments cut from TSO reads, " +
            $"{o.PacketsCoalesced} packets coalesced into {o.CoalescedWrites} writes, {o.MalformedReads} malformed reads, " +
            $"{o.BadChecksums} bad checksums";
    }

    public override void AcquireResources()
    {
        var flavour = _tun.EffectiveFlavour;
        if (Log.IsEnabled(LogClass.DebugConfig))
            Log.Log(LogClass.DebugConfig, $"{Name}: tun flavour {flavour.ToString().ToLowerInvariant()}");
        if (flavour != TunFlavour.Linux)
            throw new IOException($"{Name}: tun flavour {flavour.ToString().ToLowerInvariant()} is not supported; use flavour \"linux\"");
        if (_tun.EffectiveIfconfigType != TunConfigType.Ioctl || _tun.EffectiveRouteType != TunConfigType.Ioctl)
            throw new IOException($"{Name}: only ifconfig-type and route-type \"ioctl\" are supported (no external ifconfig/route)");
        _device = TunDevice.Open(Name, _tun.Interface, _tun.EffectiveDevicePath, _tun.Offload);
        if (_device.OffloadRefusal is not null && Log.IsEnabled(LogClass.Info))
            Log.Log(LogClass.Info, $"{Name}: tun offloads unavailable ({_device.OffloadRefusal}); using plain mode");
        if (_tun.Interface is null && Log.IsEnabled(LogClass.Info))
            Log.Log(LogClass.Info, $"{Name}: allocated network interface {_device.InterfaceName}");
        _device.ConfigurePointToPoint(ToAddress(Options.LocalAddress), ToAddress(Options.RemoteAddress), Options.Mtu);
        if (Options.LocalAddress6 is { } local6)
        {
            var errno = _device.AddAddress6(Ipv6Address.ToIPAddress(local6), Ipv6Address.ToIPAddress(Options.RemoteAddress6));
            if (errno != 0)
                throw new IOException($"{Name}: cannot give {_device.InterfaceName} its IPv6 address {Ipv6Address.Format(local6)}: RTM_NEWADDR: {Errno.Describe(errno)}");
        }
        _pump = new TunPacketPump(_device, Pool, FromHost, message => Fatal(message), Log);
        EnableKernelRoutes();
    }

    /// <summary>The daemon's packet loop, which reads the device (needed from <see cref="Start"/> on).</summary>
    public PacketIoLoop? PacketLoop { get; init; }

    public override void Start()
    {
        if (_pump is null) return;
        _pump.Attach(PacketLoop ?? throw new InvalidOperationException($"{Name}: no packet loop to read the device on"));
    }

    public override void Shutdown()
    {
        _pump?.Dispose();
        _device?.Dispose();
    }

    protected internal override void QueueToHost(PacketBuffer packet)
    {
        var pump = _pump;
        if (pump is null)
        {
            packet.Release();
            return;
        }
        if (pump.WriteQueue is not { } queue || !queue.TryEnqueue(packet)) pump.WritePlain(packet);
    }

    protected override void SetRoutes(NetlinkClient client, bool up)
    {
        var device = _device;
        if (device is null) return;
        var gateway = ToAddress(Options.RemoteAddress);
        foreach (var subnet in client.Subnets)
        {
            if (Log.IsEnabled(LogClass.Info))
                Log.Log(LogClass.Info, up
                    ? $"{Name}: adding route {subnet} to kernel routing table"
                    : $"{Name}: deleting route {subnet} from kernel routing table");
            var network = ToAddress(subnet.Network);
            var errno = up
                ? device.AddRoute(network, subnet.PrefixLength, gateway)
                : device.DeleteRoute(network, subnet.PrefixLength, gateway);
            if (errno != 0)
            {
                Fatal($"tun_set_route: {(up ? "RTM_NEWROUTE" : "RTM_DELROUTE")}: {Errno.Describe(errno)}");
                return;
            }
        }
        if (!Options.Ipv6Enabled) return;
        // IPv6 routes go to the interface itself: the peer is on the other end of the link, so
        // no gateway is needed (and none must be resolved by neighbour discovery).
        foreach (var prefix in client.Routes6.Prefixes)
        {
            if (Log.IsEnabled(LogClass.Info))
                Log.Log(LogClass.Info, up
                    ? $"{Name}: adding route {prefix} to kernel routing table"
                    : $"{Name}: deleting route {prefix} from kernel routing table");
            var network = Ipv6Address.ToIPAddress(prefix.Network);
            var errno = up
                ? device.AddRoute(network, prefix.PrefixLength, null)
                : device.DeleteRoute(network, prefix.PrefixLength, null);
            if (errno != 0)
            {
                Fatal($"tun_set_route: {(up ? "RTM_NEWROUTE" : "RTM_DELROUTE")} {prefix}: {Errno.Describe(errno)}");
                return;
            }
        }
    }

    internal static IPAddress ToAddress(uint hostOrder) =>
        new([(byte)(hostOrder >> 24), (byte)(hostOrder >> 16), (byte)(hostOrder >> 8), (byte)hostOrder]);
}
