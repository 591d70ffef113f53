using Secnet.Log;
using Secnet.Packets;
using Secnet.Runtime;

namespace Secnet.Netlink;

/// <summary>The userv-ipif keys (config.md §4.10).</summary>
public sealed record UservIpifOptions
{
    public string UservPath { get; init; } = UservIpifArguments.DefaultUservPath;
    public string ServiceUser { get; init; } = UservIpifArguments.DefaultServiceUser;
    public string ServiceName { get; init; } = UservIpifArguments.DefaultServiceName;
}

/// <summary>
/// The <c>userv-ipif</c> netlink device: the kernel interface belongs to a userv child that
/// speaks SLIP on its stdin/stdout. It starts at PHASE_RUN (after privileges are dropped), with
/// the routes of every client already in use; it cannot change kernel routes later, hence no
/// soft routes.
/// </summary>
public sealed class UservIpifNetlink : NetlinkDevice
{
    public const string DefaultName = "netlink-userv-ipif";

    private readonly UservIpifOptions _userv;
    private UservIpifChild? _child;

    /// <summary>The child got every client's routes on its command line when it started.</summary>
    public override bool AcceptsClientsAtRun => false;

    public override string ReloadSignature => $"{base.ReloadSignature} {_userv}";

    public UservIpifNetlink(NetlinkDeviceOptions options, UservIpifOptions userv, ILog log, BufferPool pool)
        : base(options, log, pool)
    {
        _userv = userv;
        Fatal = RunFatal.Route(null, log);
    }

    /// <summary>Receives run-time fatal errors (child exited, pipe closed); see
    /// <see cref="TunNetlink.Fatal"/>.</summary>
    public Action<string> Fatal { get; set; }

    public override bool SupportsSoftRoutes => false;

    /// <summary>The child's pid once started.</summary>
    public int ChildPid => _child?.Pid ?? -1;

    /// <summary>The argument vector for the child: the routes of the clients whose site has
    /// started (quality above unused), which become "in kernel".</summary>
    public IReadOnlyList<string> BuildArguments()
    {
        var routes = IpSet.Empty;
        foreach (var client in Clients)
        {
            if (client.Quality == LinkQuality.Unused) continue;
            routes = routes.Union(client.Routes);
        }
        var cidrs = new List<string>();
        foreach (var subnet in routes.ToSubnets()) cidrs.Add(subnet.ToString());
        return UservIpifArguments.Build(_userv.UservPath, _userv.ServiceUser, _userv.ServiceName,
            TunNetlink.ToAddress(Options.LocalAddress), TunNetlink.ToAddress(Options.RemoteAddress), Options.Mtu, cidrs);
    }

    /// <summary>PHASE_RUN: spawns the child and waits for its confirmation byte. Throws
    /// <see cref="IOException"/> with secnet's fatal text if it does not confirm.</summary>
    public override void Start()
    {
        var arguments = BuildArguments();
        foreach (var client in Clients)
            if (client.Quality != LinkQuality.Unused) client.KernelRouteInstalled = true;
        var maxPacket = Pool.Capacity - PacketBuffer.DefaultHeadroom - BufferPool.DefaultTailroom;
        _child = new UservIpifChild(Name, Pool, maxPacket, FromHost, message => Fatal(message), Log);
        _child.Start(arguments);
    }

    public override void Shutdown() => _child?.Dispose();

    protected internal override void QueueToHost(PacketBuffer packet)
    {
        var child = _child;
        if (child is null)
        {
            packet.Release();
            return;
        }
        if (packet.Length > Options.Mtu)
        {
            if (Log.IsEnabled(LogClass.Error))
                Log.Log(LogClass.Error, $"{Name}: packet of size {packet.Length} exceeds mtu {Options.Mtu}: " +
                    "cannot be injected into kernel, dropped");
            packet.Release();
            return;
        }
        child.ToChild(packet);
    }
}
