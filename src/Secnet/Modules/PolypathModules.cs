using System.Net;
using Secnet.Comm;
using Secnet.Config;
using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Modules;

/// <summary>
/// The <c>polypath</c> closure (config.md §4.4): keys read in secnet's order — <c>buffer</c>,
/// <c>authbind</c>, <c>port</c> with udp's texts and facility, then <c>max-interfaces</c>,
/// <c>interfaces</c> (checked as secnet checks them), <c>monitor-command</c>,
/// <c>permit-loopback</c>. The monitor starts at RUN and gets SIGTERM at SHUTDOWN.
/// </summary>
public static class PolypathModules
{
    private const string Facility = "polypath";

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("polypath", Create);
    }

    private static IReadOnlyList<Item> Create(Invocation invocation)
    {
        var reader = invocation.DictArgument(Facility);
        var udp = new ArgReader("udp", invocation.Location, reader.Dict);
        udp.GetClosureItem("buffer", ClosureType.Buffer, required: true);
        var authbind = udp.GetString("authbind");
        var port = udp.GetNumber("port", 0);
        var maxInterfaces = reader.GetNumber("max-interfaces", PolypathOptions.DefaultMaxInterfaces);
        var interfaces = Strings(reader.GetStringList("interfaces"));
        InterfacePatternList.Validate(interfaces, invocation.Location);
        var monitor = Strings(reader.GetStringList("monitor-command")) ?? DefaultMonitorCommand();
        if (monitor.Count == 0)
            throw reader.Error("no polypath interface monitor-command (polypath unsupported on this platform?)");
        var permitLoopback = reader.GetBoolOr("permit-loopback", false);

        var options = new PolypathOptions
        {
            Port = port,
            Authbind = authbind,
            MaxInterfaces = maxInterfaces,
            Interfaces = interfaces,
            MonitorCommand = monitor,
            PermitLoopback = permitLoopback,
            Location = invocation.Location,
        };
        var context = invocation.Modules;
        var comm = new PolypathComm(options, new ContextLog(context), new ContextScheduler(context),
            NetlinkModules.PoolOf(invocation), SharedPacketLoop.Of(context));
        if (!context.JustCheck && context.Find<PhaseRunner>() is { } phases)
        {
            // With userid set, privileges are dropped after GETRESOURCES: a privileged helper must
            // run the monitor and make the sockets from then on (runtime.md §8, PolypathPrivsep*).
            phases.Register(Phase.GetResources, _ =>
            {
                if (context.Find<SystemConfig>()?.User is not null) comm.StartPrivsep();
            });
            phases.Register(Phase.Run, _ =>
            {
                if (!comm.UsesPrivsep) comm.StartMonitor();
            });
            phases.Register(Phase.Shutdown, _ => comm.Shutdown());
        }
        return [new ClosureItem(Facility, ClosureType.Comm, comm)];
    }

    /// <summary>
    /// The comm a site should use, given the site's <c>comm-info</c> dictionary (README: "information
    /// for the comm, used when this site wants to transmit"). Only polypath reads it, and only its
    /// <c>dedicated-interface-addr</c>; other keys, and comm-info given to other comms, are ignored.
    /// Observed on 0.6.7 (tests/e2e/daemon-comminfo.sh real, tcpdump per link): the site's datagrams
    /// leave through every general interface as before AND through the dedicated (<c>@</c>)
    /// interface socket bound to that address; sites without it never use dedicated interfaces.
    /// 0.6.7 reads the key only inside comm-info (in the site dictionary itself it has no effect),
    /// takes the first value of a list, and reports errors as facility polypath at the value.
    /// </summary>
    public static IComm ForSite(IComm comm, ConfigDict? commInfo, ILog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (comm is not PolypathComm polypath || commInfo is null) return comm;
        if (commInfo.Find("dedicated-interface-addr") is not { Value: [var item, ..] }) return comm;
        if (item is not StringItem text)
            throw new ConfigException(Facility, item.Location, "expecting a string IP (v4 or v6) address");
        if (!InterfaceMonitorLine.TryParseAddressLiteral(text.Value, out IPAddress address))
        {
            log.Log(LogClass.Error, $"adns_text2addr: invalid: inet_pton rejected: `{text.Value}'");
            throw new ConfigException(Facility, item.Location, "invalid IP (v4 or v6) address: Invalid argument");
        }
        return polypath.ForDedicatedAddress(address);
    }

    /// <summary>Debian's monitor when installed (what 0.6.7 configurations expect), else the one we
    /// ship next to our binary, so polypath works without Debian's package; none elsewhere.</summary>
    private static IReadOnlyList<string> DefaultMonitorCommand()
    {
        if (!OperatingSystem.IsLinux()) return [];
        if (File.Exists(PolypathOptions.DebianMonitorCommand)) return [PolypathOptions.DebianMonitorCommand];
        string ours = Path.Combine(AppContext.BaseDirectory, OwnMonitorName);
        return File.Exists(ours) ? [ours] : [];
    }

    /// <summary>Our interface monitor script, published next to the binary.</summary>
    public const string OwnMonitorName = "polypath-interface-monitor-linux";

    private static IReadOnlyList<string>? Strings(IReadOnlyList<StringItem>? items)
    {
        if (items is null) return null;
        var result = new string[items.Count];
        for (var i = 0; i < items.Count; i++) result[i] = items[i].Value;
        return result;
    }

    /// <summary>The log in force when a line is written (the system log replaces the startup log).</summary>
    private sealed class ContextLog(ModuleContext context) : ILog
    {
        public bool IsEnabled(LogClass cls) => context.Log.IsEnabled(cls);

        public void Log(LogClass cls, string message) => context.Log.Log(cls, message);
    }

    /// <summary>The runtime's scheduler, looked up when first needed (it may be offered after
    /// the configuration is read).</summary>
    private sealed class ContextScheduler(ModuleContext context) : IScheduler
    {
        private IScheduler Target => context.Find<IScheduler>() ?? context.Get<EventLoop>();

        public long NowMs => Target.NowMs;

        public void Post(Action action) => Target.Post(action);

        public IDisposable Schedule(long delayMs, Action action) => Target.Schedule(delayMs, action);
    }
}
