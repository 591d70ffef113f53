using System.Net;
using System.Net.Sockets;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;
using Secnet.Runtime;
using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>
/// secnet's <c>polypath</c> comm (runtime.md §8): one UDP socket per (interface, address) as
/// reported by the interface monitor, and every packet sent out of every usable interface.
///
/// Threads: monitor lines are applied on the scheduler (event-loop) thread, which alone changes
/// the interface lists, publishing new immutable arrays. The sockets receive on the daemon's
/// packet loop, which hands each datagram to its site (<see cref="CommReceivers"/>); senders (any
/// thread) read the published arrays without locks, and send a site's batch with UDP
/// segmentation as udp does.
/// </summary>
public sealed class PolypathComm : IComm, IDisposable
{
    private readonly PolypathOptions _options;
    private readonly ILog _log;
    private readonly IScheduler _scheduler;
    private readonly BufferPool _pool;
    private readonly PacketIoLoop? _packetLoop;
    private readonly InterfacePatternList _patterns;
    private readonly Lock _receiversGate = new();
    private CommReceivers _receivers = CommReceivers.Empty;
    private PolypathInterface[] _general = [];
    private PolypathInterface[] _dedicated = [];
    private InterfaceMonitor? _monitor;

    // Privilege separation (PolypathPrivsep*.cs): the helper that makes sockets while we run
    // unprivileged, and the socket it sent with the monitor line being processed right now.
    private PolypathPrivsepClient? _privsep;
    private (Socket? Socket, string? Problem, string? Summary)? _supplied;

    /// <param name="packetLoop">Where the sockets receive; none only where no socket is ever
    /// made (-j).</param>
    public PolypathComm(PolypathOptions options, ILog log, IScheduler scheduler, BufferPool pool, PacketIoLoop? packetLoop)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _log = log;
        _scheduler = scheduler;
        _pool = pool;
        _packetLoop = packetLoop;
        _patterns = new InterfacePatternList(options.Interfaces, options.PermitLoopback, options.Location);
        LogPrefix = options.Location is null ? "polypath" : $"polypath ({options.Location})";
    }

    /// <summary>secnet's "description (file:line)" that starts this comm's log lines.</summary>
    public string LogPrefix { get; }

    public PolypathOptions Options => _options;

    /// <summary>What UDP GRO did on this comm's sockets.</summary>
    public UdpOffloadCounters Offload { get; } = new();

    /// <summary>The sockets in use now, general interfaces first (newest interface first, as secnet).</summary>
    public IReadOnlyList<(string Interface, InterfaceWant Want, IPEndPoint Local)> ActiveSockets
    {
        get
        {
            var result = new List<(string, InterfaceWant, IPEndPoint)>();
            foreach (var list in new[] { Volatile.Read(ref _general), Volatile.Read(ref _dedicated) })
                foreach (var i in list)
                    foreach (var s in i.Sockets)
                        result.Add((i.Name, i.Want, s.Local));
            return result;
        }
    }

    /// <summary>
    /// The comm as seen by a site with <c>dedicated-interface-addr</c>: sends also go out of the
    /// dedicated (<c>@</c>) interface socket bound to <paramref name="dedicatedAddress"/>. Register
    /// the site through the returned object so received datagrams name it as their comm.
    /// </summary>
    public IComm ForDedicatedAddress(IPAddress dedicatedAddress) => new PolypathSiteComm(this, dedicatedAddress);

    /// <summary>RUN phase without privilege separation: spawn the monitor and follow its output.</summary>
    public void StartMonitor()
    {
        if (_monitor is not null) throw new InvalidOperationException("interface monitor already started");
        _monitor = new InterfaceMonitor(_options.MonitorCommand, _scheduler, ProcessMonitorLine, OnMonitorProblem);
        var error = _monitor.Start();
        if (error != 0)
            throw new SecnetFatalException($"{LogPrefix}: cannot execute {_options.MonitorCommand[0]}: {Errno.Describe(error)}");
        _log.Log(LogClass.Notice, $"{LogPrefix}: polypath: spawning interface monitor (no privsep) [pid {_monitor.Pid}]");
    }

    /// <summary>True once <see cref="StartPrivsep"/> ran: the helper runs the monitor.</summary>
    public bool UsesPrivsep => _privsep is not null;

    /// <summary>
    /// GETRESOURCES when <c>userid</c> will drop privileges (runtime.md §8 "Privilege separation"):
    /// a privileged helper runs the monitor, makes the sockets and passes them to us.
    /// </summary>
    public void StartPrivsep()
    {
        if (_monitor is not null || _privsep is not null) throw new InvalidOperationException("interface monitor already started");
        _privsep = PolypathPrivsepClient.Start(this, _scheduler);
        _log.Log(LogClass.Notice, $"{LogPrefix}: polypath: spawning socket generator (privsep interface handler) [pid {_privsep.Pid}]");
    }

    /// <summary>
    /// A monitor line relayed by the privsep helper (scheduler thread), with the socket it made for
    /// it (or why it could not): processed exactly like a line from our own monitor.
    /// </summary>
    internal void ProcessPrivsepLine(string line, Socket? socket, string? problem, string? summary)
    {
        _supplied = (socket, problem, summary);
        try
        {
            ProcessMonitorLine(line);
        }
        finally
        {
            // Not used (unwanted, too many interfaces...): ours to close.
            _supplied?.Socket?.Dispose();
            _supplied = null;
        }
    }

    /// <summary>SHUTDOWN: SIGTERM to the monitor (or the privsep helper, which stops it).</summary>
    public void Shutdown()
    {
        _monitor?.Stop();
        _privsep?.Stop();
    }

    private void OnMonitorProblem(InterfaceMonitorProblem problem)
    {
        var status = _monitor?.TryReap();
        if (status is int s)
            throw new SecnetFatalException(ChildReaper.DescribeExit(LogPrefix, "interface monitor", s));
        throw new SecnetFatalException($"{LogPrefix}: {problem.Text}");
    }

    /// <summary>Applies one monitor line (scheduler thread): parse, filter, add or remove a socket.</summary>
    public void ProcessMonitorLine(string line)
    {
        if (!InterfaceMonitorLine.TryParse(line, out var change, out var warning))
        {
            _log.Log(LogClass.Warning, $"{LogPrefix}: {warning}");
            return;
        }
        var want = _patterns.Decide(change!.InterfaceName);
        var reason = want == InterfaceWant.Exclude
            ? "unwanted interface name"
            : PolypathAddressFilter.Reason(change.Address, _options.PermitLoopback);
        if (reason is not null)
        {
            if (change.Add) _log.Log(LogClass.Info, $"{LogPrefix}: ignoring {change.InterfaceName} [{change.AddressText}]: {reason}");
            return;
        }
        Record(change, want);
    }

    private void Record(InterfaceChange change, InterfaceWant want)
    {
        var dedicated = want == InterfaceWant.Dedicated;
        var list = dedicated ? _dedicated : _general;
        var max = dedicated ? int.MaxValue : _options.MaxInterfaces;
        var index = Array.FindIndex(list, i => i.Name == change.InterfaceName);
        if (index < 0)
        {
            if (list.Length >= max)
            {
                Bad(change, "too many interfaces");
                return;
            }
            if (!change.Add)
            {
                LogDebug(change, "address to remove not found");
                return;
            }
            // secnet inserts at the head, so the newest interface is tried first.
            list = [new PolypathInterface(change.InterfaceName, want), .. list];
            index = 0;
        }
        var iface = list[index];
        PolypathSocket? gone = null;
        if (change.Add) Add(iface, change);
        else gone = Remove(iface, change);
        if (iface.Sockets.Length == 0) list = [.. list[..index], .. list[(index + 1)..]];
        if (dedicated) Volatile.Write(ref _dedicated, list);
        else Volatile.Write(ref _general, list);
        // Closed only once the lists are published: closing waits for the packet loop to let go of
        // it, and meanwhile senders must not find an interface left with no sockets (a failed send).
        gone?.Dispose();
    }

    private void Add(PolypathInterface iface, InterfaceChange change)
    {
        if (iface.Sockets.Length >= PolypathOptions.MaxAddressesPerInterface)
        {
            Bad(change, "too many addresses on this interface");
            return;
        }
        var local = new IPEndPoint(change.Address, _options.Port);
        var socket = _supplied is { } supplied
            ? TakeSupplied(iface.Name, local, supplied, out var problem, out var summary)
            : PolypathSocket.TryCreate(iface.Name, local, _options.Authbind, out problem, out summary);
        if (socket is null)
        {
            if (summary == "unable to set up socket")
            {
                _log.Log(LogClass.Warning, $"{LogPrefix}: {problem}");
                Bad(change, summary);
            }
            else
            {
                _log.Log(LogClass.Warning, $"{LogPrefix}: error processing polypath state change: {summary} (while processing `{change.Line}'): {problem}");
            }
            return;
        }
        if (_packetLoop is null) throw new InvalidOperationException($"{LogPrefix}: no packet loop to receive on");
        socket.StartReceiving(_packetLoop, _pool, Offload, Deliver);
        iface.Sockets = [.. iface.Sockets, socket];
        _log.Log(LogClass.Info, $"{LogPrefix}: using {iface.Name} {SocketAddresses.Format(local)}");
    }

    private PolypathSocket? TakeSupplied(string name, IPEndPoint local, (Socket? Socket, string? Problem, string? Summary) supplied,
        out string? problem, out string? summary)
    {
        _supplied = null;
        problem = supplied.Problem ?? "privsep interface handler sent no socket";
        summary = supplied.Summary ?? "unable to set up socket";
        return supplied.Socket is { } socket ? PolypathSocket.Adopt(socket, name, local) : null;
    }

    /// <summary>Takes the socket out of use; returns it for the caller to close.</summary>
    private PolypathSocket? Remove(PolypathInterface iface, InterfaceChange change)
    {
        var sockets = iface.Sockets;
        var i = Array.FindIndex(sockets, s => s.Local.Address.Equals(change.Address));
        if (i < 0)
        {
            LogDebug(change, "address to remove not found");
            return null;
        }
        var gone = sockets[i];
        iface.Sockets = [.. sockets[..i], .. sockets[(i + 1)..]];
        _log.Log(LogClass.Info, $"{LogPrefix}: removed {iface.Name} {SocketAddresses.Format(gone.Local)}");
        return gone;
    }

    private void Bad(InterfaceChange change, string problem) =>
        _log.Log(LogClass.Warning, $"{LogPrefix}: error processing polypath state change: {problem} (while processing `{change.Line}')");

    private void LogDebug(InterfaceChange change, string problem)
    {
        if (_log.IsEnabled(LogClass.Debug))
            _log.Log(LogClass.Debug, $"{LogPrefix}: error processing polypath state change: {problem} (while processing `{change.Line}')");
    }

    public void Register(ICommReceiver receiver) => Register(receiver, this);

    internal void Register(ICommReceiver receiver, IComm asSeen)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        lock (_receiversGate)
            Volatile.Write(ref _receivers, _receivers.With(receiver, asSeen));
    }

    public void Unregister(ICommReceiver receiver)
    {
        lock (_receiversGate)
            Volatile.Write(ref _receivers, _receivers.Without(receiver));
    }

    /// <summary>Interfaces come and go, so either family may become usable at any time.</summary>
    public bool Supports(AddressFamily family) =>
        family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6;

    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination) => Send(datagram, destination, null);

    /// <summary>
    /// Sends out of every general interface (first success per interface) and, for a site with a
    /// dedicated address, out of the dedicated socket bound to it. False unless every interface
    /// made a reasonable attempt (secnet's rule: only EAFNOSUPPORT/ENETUNREACH are unreasonable).
    /// </summary>
    internal bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination, IPAddress? dedicatedAddress)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var allReasonable = true;
        foreach (var iface in Volatile.Read(ref _general))
            allReasonable &= SendThrough(iface, datagram, destination, null);
        if (dedicatedAddress is not null)
        {
            foreach (var iface in Volatile.Read(ref _dedicated))
                allReasonable &= SendThrough(iface, datagram, destination, dedicatedAddress);
        }
        return allReasonable;
    }

    public int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination) => SendBatch(datagrams, destination, null);

    /// <summary>Sends the datagrams out of every interface as <see cref="Send(ReadOnlySpan{byte}, SocketAddress, IPAddress?)"/>
    /// sends one, each interface's run by one sendmmsg with segmentation: the count of leading
    /// datagrams every interface made a reasonable attempt at.</summary>
    internal int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination, IPAddress? dedicatedAddress)
    {
        int reasonable = datagrams.Length;
        foreach (var iface in Volatile.Read(ref _general))
            reasonable = Math.Min(reasonable, SendBatchThrough(iface, datagrams, destination, null));
        if (dedicatedAddress is not null)
        {
            foreach (var iface in Volatile.Read(ref _dedicated))
                reasonable = Math.Min(reasonable, SendBatchThrough(iface, datagrams, destination, dedicatedAddress));
        }
        return reasonable;
    }

    /// <summary>One interface: the run through its first socket of the family; from the first
    /// datagram that socket did not take on, one by one as <see cref="SendThrough"/> sends (the
    /// next socket, the errno's verdict, the log lines). The count of leading datagrams with a
    /// reasonable attempt.</summary>
    private int SendBatchThrough(PolypathInterface iface, ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination, IPAddress? only)
    {
        int sent = 0;
        var family = SocketAddresses.FamilyOf(destination);
        foreach (var socket in iface.Sockets)
        {
            if (socket.Family != family) continue;
            if (only is not null && !socket.Local.Address.Equals(only)) continue;
            sent = socket.SendBatch(datagrams, destination, out _);
            if (sent == datagrams.Length) Experienced(socket, transmit: true, 0, destination);
            break;
        }
        for (int i = sent; i < datagrams.Length; i++)
            if (!SendThrough(iface, datagrams[i].Data, destination, only)) return i;
        return datagrams.Length;
    }

    private bool SendThrough(PolypathInterface iface, ReadOnlySpan<byte> datagram, SocketAddress destination, IPAddress? only)
    {
        // Its last socket was just removed and the list not yet republished: not an interface any more.
        if (iface.Sockets.Length == 0) return true;
        var family = SocketAddresses.FamilyOf(destination);
        bool attempted = false, reasonable = false;
        foreach (var socket in iface.Sockets)
        {
            if (socket.Family != family) continue;
            if (only is not null && !socket.Local.Address.Equals(only)) continue;
            attempted = true;
            var errno = socket.Send(datagram, destination);
            Experienced(socket, transmit: true, errno, destination);
            if (errno == 0)
            {
                reasonable = true;
                break;
            }
            if (errno != Errno.ENETUNREACH && errno != EafNoSupport) reasonable = true;
            if (_log.IsEnabled(LogClass.Debug))
                _log.Log(LogClass.Debug, $"{LogPrefix}: {iface.Name} {SocketAddresses.Format(socket.Local)} xmit {datagram.Length} bytes to {Format(destination)}: {Errno.Describe(errno)}");
        }
        if (!attempted && only is null && iface.FirstNoAddress(family == AddressFamily.InterNetwork ? 0 : 1))
            _log.Log(LogClass.Warning, $"{LogPrefix}: {iface.Name} has no suitable address to transmit {FamilyName(family)}");
        // A dedicated interface without the site's address is not this site's concern.
        return reasonable || (only is not null && !attempted);
    }

    private const int EafNoSupport = 97;

    private void Experienced(PolypathSocket socket, bool transmit, int errno, SocketAddress peer)
    {
        if (!socket.FirstTime(transmit, errno == 0)) return;
        var what = errno == 0 ? "success" : "trouble";
        var direction = transmit ? $"transmitting {FamilyName(peer.Family)} (to {Format(peer)})" : $"receiving {FamilyName(peer.Family)}";
        var text = $"{LogPrefix}: {socket.InterfaceName} {SocketAddresses.Format(socket.Local)} experiencing some {what} {direction}";
        if (errno == 0) _log.Log(LogClass.Info, text);
        else _log.Log(LogClass.Warning, $"{text}: {Errno.Describe(errno)}");
    }

    private void Deliver(PolypathSocket socket, PacketBuffer packet, SocketAddress source)
    {
        Experienced(socket, transmit: false, 0, source);
        if (Volatile.Read(ref _receivers).Offer(packet, source, out var header, out bool parsed, out string? refusal)) return;
        if (_nakLimit.TryTake(parsed, packet.Length, header, out bool startedLimiting)) SendNak(source, header, refusal ?? "");
        else if (startedLimiting && _log.IsEnabled(LogClass.Info)) _log.Log(LogClass.Info, $"{LogPrefix}: {UdpComm.NakLimitText}");
        packet.Release();
    }

    private readonly NakLimiter _nakLimit = new();

    /// <summary>Datagrams no site claimed that got no NAK because of the rate limit.</summary>
    public long NaksSuppressed => _nakLimit.Suppressed;

    public void SendNak(SocketAddress destination, PacketHeader offending, string reason)
    {
        Span<byte> nak = stackalloc byte[PacketHeader.Length];
        offending.NakReply().Write(nak);
        Send(nak, destination);
        if (_log.IsEnabled(LogClass.Info))
            _log.Log(LogClass.Info, $"{Describe(destination)}: sending NAK for {offending.Label:x8} {offending.Dest:x8}<-{offending.Source:x8}: {reason}");
    }

    /// <summary>secnet's <c>polypath:[addr]:port</c>.</summary>
    public string Describe(SocketAddress peer) => "polypath:" + Format(peer);

    private static string Format(SocketAddress address) => SocketAddresses.Format(SocketAddresses.ToEndPoint(address));

    private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";

    public void Dispose()
    {
        _monitor?.Dispose();
        _privsep?.Stop();
        foreach (var list in new[] { Interlocked.Exchange(ref _general, []), Interlocked.Exchange(ref _dedicated, []) })
            foreach (var iface in list)
                foreach (var socket in iface.Sockets)
                    socket.Dispose();
    }
}
