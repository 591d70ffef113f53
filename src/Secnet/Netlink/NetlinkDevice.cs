using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Base of every netlink device (tun, tun-old, userv-ipif, null-netlink): owns the clients and the
/// router; a concrete device only moves packets to and from the kernel.
///
/// Device seam (what a concrete device implements or calls):
/// <list type="bullet">
/// <item><see cref="QueueToHost"/>: a packet for the kernel; the device owns the buffer afterwards.</item>
/// <item><see cref="FromHost"/>: the device hands in every packet read from the kernel (ownership passes).</item>
/// <item><see cref="SupportsSoftRoutes"/> and <see cref="SetRoutes"/>: kernel route changes. The hook
///   runs only after the device has called <see cref="EnableKernelRoutes"/> (i.e. once its interface
///   is configured), and only when a client's wanted state differs from the installed one.</item>
/// <item>Phases: <see cref="Setup"/> (base, builds the routing table), <see cref="AcquireResources"/>
///   (open devices before privileges are dropped), <see cref="Start"/> (run phase),
///   <see cref="Shutdown"/>.</item>
/// </list>
/// Lifecycle: the config layer constructs the device, then adds clients with
/// <see cref="AddClient"/>; after <see cref="Setup"/> routing may run on any thread. A reload
/// (router mode only) adds and removes clients on the event loop with <see cref="AddClientAtRun"/>
/// and <see cref="RemoveClient"/>, each publishing a new immutable routing table.
/// </summary>
public abstract class NetlinkDevice
{
    private readonly List<NetlinkClient> _clients = new();
    // Read once per packet by the router on the packet thread; a reload swaps in a new array
    // (never edits one), so the data path needs no lock and allocates nothing.
    private volatile NetlinkClient[] _routingTable = [];
    private int _nextClientIndex;
    private bool _kernelRoutesEnabled;
    private readonly object _routeHookLock = new();

    protected NetlinkDevice(NetlinkDeviceOptions options, ILog log, BufferPool pool)
    {
        var error = options.Validate();
        if (error is not null) throw new ArgumentException(error, nameof(options));
        Options = options;
        Log = log;
        Pool = pool;
        Counters = new NetlinkCounters();
        Router = new NetlinkRouter(this);
    }

    public NetlinkDeviceOptions Options { get; }
    public string Name => Options.Name;
    public bool IsPointToPoint => Options.IsPointToPoint;
    public NetlinkCounters Counters { get; }

    /// <summary>Clients in registration order.</summary>
    public IReadOnlyList<NetlinkClient> Clients => _clients;

    /// <summary>Clients by descending priority; empty until <see cref="Setup"/>.</summary>
    public IReadOnlyList<NetlinkClient> RoutingTable => _routingTable;

    /// <summary>True once a client with <c>soft</c> routes exists (secnet then must keep root).</summary>
    public bool RequiresRoot { get; private set; }

    protected internal ILog Log { get; }
    protected internal BufferPool Pool { get; }
    internal NetlinkRouter Router { get; }

    // ---- the device seam -------------------------------------------------------------------

    /// <summary>Whether <c>soft</c> routes may be configured (userv-ipif: no).</summary>
    public abstract bool SupportsSoftRoutes { get; }

    /// <summary>Writes one IPv4 packet to the kernel, now or (a device that batches writes) when
    /// the calling thread's <see cref="PacketBatch"/> closes. Takes ownership of
    /// <paramref name="packet"/> (release it when done). May be called on any thread; must not
    /// block for long.</summary>
    protected internal abstract void QueueToHost(PacketBuffer packet);

    /// <summary>Adds (<paramref name="up"/>) or removes the kernel routes for
    /// <see cref="NetlinkClient.Subnets"/>. Called on the thread that changed the quality, or the
    /// one that called <see cref="EnableKernelRoutes"/>; never before that call.</summary>
    protected virtual void SetRoutes(NetlinkClient client, bool up)
    {
    }

    /// <summary>PHASE_GETRESOURCES: open what needs privileges.</summary>
    public virtual void AcquireResources()
    {
    }

    /// <summary>PHASE_RUN: start reading from the kernel.</summary>
    public virtual void Start()
    {
    }

    /// <summary>PHASE_SHUTDOWN.</summary>
    public virtual void Shutdown()
    {
    }

    /// <summary>A packet read from the kernel; routing takes ownership. Any thread.</summary>
    public void FromHost(PacketBuffer packet) => Router.Forward(null, packet);

    /// <summary>The device calls this once its interface is configured: installs the routes every
    /// client currently wants, and from then on follows quality changes. (secnet tried to add soft
    /// routes before the interface existed; we wait, see netlink.md §4.)</summary>
    protected void EnableKernelRoutes()
    {
        lock (_routeHookLock)
        {
            _kernelRoutesEnabled = true;
            foreach (var client in _clients) SyncKernelRoute(client);
        }
    }

    // ---- configuration ---------------------------------------------------------------------

    /// <summary>secnet's error for the client's options words, or null (checked before priority
    /// and mtu are read, §3).</summary>
    public string? CheckRouteFlags(NetlinkRouteFlags flags)
    {
        if ((flags & NetlinkRouteFlags.Soft) == 0) return null;
        if (!SupportsSoftRoutes) return "this netlink device does not support soft routes.";
        if (IsPointToPoint) return "point-to-point netlinks do not support soft routes.";
        return null;
    }

    /// <summary>secnet's error when routes leave remote-networks, or null.</summary>
    public string? CheckRoutes(IpSet routes) =>
        routes.IsSubsetOf(Options.RemoteNetworks) ? null : "routes are not allowed";

    /// <summary>Registers a client (stage 2). The caller has already reported errors from
    /// <see cref="CheckRouteFlags"/> and <see cref="CheckRoutes"/> with their locations.</summary>
    public NetlinkClient AddClient(NetlinkRouteOptions options)
    {
        var error = CheckRouteFlags(options.Flags) ?? CheckRoutes(options.Routes);
        if (error is not null) throw new ArgumentException(error, nameof(options));
        if (_routingTable.Length > 0 || (IsPointToPoint && _clients.Count > 0))
            throw new InvalidOperationException("clients must be added before setup (one client in point-to-point mode)");
        var client = new NetlinkClient(this, options, _nextClientIndex++);
        _clients.Add(client);
        if (client.IsSoft) RequiresRoot = true;
        return client;
    }

    /// <summary>Whether the device installs kernel routes for its clients (which needs
    /// privileges a daemon with <c>userid</c> no longer has once running).</summary>
    public virtual bool ManagesKernelRoutes => false;

    /// <summary>Whether a reload may add clients: false where the routes were handed over once
    /// when the device started (userv-ipif's child) and point-to-point (one client).</summary>
    public virtual bool AcceptsClientsAtRun => !IsPointToPoint;

    /// <summary>What a reload compares to decide whether a configuration still describes this
    /// device: the kind and every option. A device differing in any of them needs a restart.</summary>
    public virtual string ReloadSignature =>
        $"{GetType().Name} name={Name} networks={Options.Networks.ToDisplayString()} remote-networks={Options.RemoteNetworks.ToDisplayString()} "
        + $"local={Options.LocalAddress} secnet={Options.SecnetAddress} ptp={Options.PtpAddress} mtu={Options.Mtu}";

    /// <summary>A reload's new client (event loop, after SETUP, router mode): routed to from the
    /// next packet on; its kernel routes follow its site's quality as at start-up.</summary>
    public NetlinkClient AddClientAtRun(NetlinkRouteOptions options)
    {
        var error = CheckRouteFlags(options.Flags) ?? CheckRoutes(options.Routes);
        if (error is not null) throw new ArgumentException(error, nameof(options));
        if (IsPointToPoint) throw new InvalidOperationException("a point-to-point netlink has exactly one client");
        var client = new NetlinkClient(this, options, _nextClientIndex++);
        lock (_routeHookLock)
        {
            _clients.Add(client);
            if (client.IsSoft) RequiresRoot = true;
            PublishRoutingTable();
        }
        return client;
    }

    /// <summary>A reload removed the client's site (event loop): no packet is routed to it from
    /// the next lookup on, and its kernel routes go unless <paramref name="keepKernelRoutes"/>
    /// (the daemon no longer has the privileges to delete them).</summary>
    public void RemoveClient(NetlinkClient client, bool keepKernelRoutes)
    {
        ArgumentNullException.ThrowIfNull(client);
        lock (_routeHookLock)
        {
            if (!_clients.Remove(client)) return;
            PublishRoutingTable();
            if (!keepKernelRoutes && _kernelRoutesEnabled && client.KernelRouteInstalled)
            {
                client.KernelRouteInstalled = false;
                SetRoutes(client, false);
            }
            client.Detached = true;
        }
    }

    /// <summary>PHASE_SETUP: fixes the routing table (descending priority) and dumps it at info.</summary>
    public void Setup()
    {
        PublishRoutingTable();
        RouteDump.Write(this, LogClass.Info);
    }

    private void PublishRoutingTable()
    {
        var table = _clients.ToArray();
        Array.Sort(table, static (a, b) => a.Priority != b.Priority
            ? b.Priority.CompareTo(a.Priority)
            : a.Index.CompareTo(b.Index));
        _routingTable = table;
    }

    /// <summary>SIGUSR1: announces the request at info, then dumps at warning so it shows with
    /// the default log classes.</summary>
    public void DumpRoutesOnRequest()
    {
        if (Log.IsEnabled(LogClass.Info)) Log.Log(LogClass.Info, $"{Name}: route dump requested by SIGUSR1");
        RouteDump.Write(this, LogClass.Warning);
        if (CountersReport() is { } counters && Log.IsEnabled(LogClass.Info)) Log.Log(LogClass.Info, $"{Name}: counters: {counters}");
    }

    /// <summary>The SIGUSR1 counters report (our addition; 0.6.7 only dumps the routes): the
    /// router's, and what a device type adds.</summary>
    protected virtual string? CountersReport() => Counters.Report();

    internal void OnClientQualityChanged(NetlinkClient client)
    {
        lock (_routeHookLock)
        {
            if (_kernelRoutesEnabled) SyncKernelRoute(client);
        }
    }

    private void SyncKernelRoute(NetlinkClient client)
    {
        if (client.Detached) return;
        bool want = client.WantsKernelRoute;
        if (want == client.KernelRouteInstalled) return;
        if (client.IsSoft && !SupportsSoftRoutes) return;
        client.KernelRouteInstalled = want;
        SetRoutes(client, want);
    }
}
