using System.Net.Sockets;
using Secnet.Config;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Modules;

namespace Secnet.Runtime;

/// <summary>
/// One run of secnet after the command line (runtime.md §2): READCONFIG, SETUP (hooks, system
/// dictionary, sites), -j exit, DAEMONIZE, GETRESOURCES, DROPPRIV, RUN until SIGTERM, SHUTDOWN.
/// Owns the shared runtime services and offers them to modules through the module context.
/// Fatal errors end the run with the exit code of the phase they happened in.
/// </summary>
internal sealed class SecnetProcess
{
    private readonly CommandLine _options;
    private readonly LogFile _startupLog;
    private readonly DaemonReport? _report;

    public SecnetProcess(CommandLine options, DaemonReport? report)
    {
        _options = options;
        _report = report;
        // The built-in startup log: timestamped stderr; shows the default classes until GETOPTS ends.
        _startupLog = new LogFile(null, LogClass.Default);
        Log = new SystemLog(_startupLog);
        Phases = new PhaseRunner(Log);
        Loop = new EventLoop();
        Signals = new SignalHandling(Loop);
        Children = new ChildReaper();
        Modules = new ModuleContext(Log, options.JustCheck);
        Modules.Set<IScheduler>(Loop);
        Modules.Set(Loop);
        Modules.Set(Phases);
        Modules.Set(Signals);
        Modules.Set(Children);
        Modules.Set(options);
        Modules.Set(Log);
    }

    public SystemLog Log { get; }
    public PhaseRunner Phases { get; }
    public EventLoop Loop { get; }
    public SignalHandling Signals { get; }
    public ChildReaper Children { get; }
    public ModuleContext Modules { get; }

    private static string Me => $"secnet {SecnetVersion.Text} [{Environment.ProcessId}]";

    /// <summary>Runs secnet; returns the process exit code.</summary>
    public int Run(IReadOnlyList<string> commandLineMessages)
    {
        try
        {
            Phases.Enter(Phase.GetOpts);
            foreach (var message in commandLineMessages)
                Log.Log(LogClass.Error, message);
            _startupLog.Classes = _options.MessageLevel;

            Phases.Enter(Phase.ReadConfig);
            var root = ConfigLoader.Load(_options.ConfigPath, ModuleRegistry.CreateDefault(), Modules);

            Phases.Enter(Phase.Setup);
            var settings = ConfigChecker.ReadSystem(root, Modules.RootRequiredFeatures);
            // Later phase hooks ask it whether privileges will be dropped (polypath's privsep).
            Modules.Set(settings);
            // From here on every message goes to the configured log.
            Log.Install(settings.Log);
            var selected = new List<Sites.ConfiguredSite>();
            foreach (var site in ConfigChecker.ReadSites(root, _options.SitesKey, Log))
            {
                if (site.Value is Sites.ConfiguredSite configured)
                {
                    configured.Start();
                    selected.Add(configured);
                }
            }
            if (_options.JustCheck)
            {
                Log.Log(LogClass.Info, "configuration file check complete");
                return 0;
            }

            Control.ControlService.Register(Modules, Phases, Loop, settings.Control, Log);

            Phases.Enter(Phase.Daemonize);
            Daemonize(settings);
            Phases.Enter(Phase.GetResources);
            Phases.Enter(Phase.DropPriv);
            if (settings.User is { } user)
                PrivilegeDrop.To(user);
            StartSignalHandling();
            // Not a secnet line: which of our builds and kernels runs, for bug reports and benches.
            Log.Log(LogClass.Info, $"{Me}: serpent kernel {Crypto.SerpentKernel.Name(Crypto.SerpentKernel.Active)}"
                + (Environment.ProcessPath?.EndsWith(NativeVariant.V3Suffix, StringComparison.Ordinal) == true ? " (x86-64-v3 build)" : ""));
            ReportUp();

            Phases.Enter(Phase.Run);
            // The control socket's reload finds it here; it runs on the loop, which owns the sites.
            Modules.Set<IConfigReloader>(new ConfigReloader(Modules, _options.ConfigPath, _options.SitesKey, settings, selected));
            TrimHeap();
            Loop.Schedule(HeapCheckIntervalMs, CheckHeapGrowth);
            Loop.Run();

            Phases.Enter(Phase.Shutdown);
            Log.Log(LogClass.Notice, $"{Me}: finished");
            return 0;
        }
        catch (SecnetFatalException e)
        {
            return Fail(e.Phase ?? Phases.Current, [e.Line]);
        }
        catch (ConfigException e)
        {
            return Fail(Phase.Shutdown, [e.Message]);
        }
        catch (ConfigFileException e)
        {
            Fail(Phases.Current, e.Lines);
            return e.ExitCode;
        }
    }

    private void Daemonize(SystemConfig settings)
    {
        if (_options.OpensLogs)
        {
            foreach (var log in DaemonLogs.In(settings.Log))
                log.OpenForBackground();
        }
        if (_options.Background && Libc.SetSid() < 0)
            throw SecnetFatalException.WithErrno("setsid", Errno.Last);
        if (_options.CapturesStdio)
        {
            StdioCapture.Redirect(Log, keepOriginals: !_options.Background);
            if (_report is not null)
                _report.StdioDetached = true;
        }
        if (settings.PidFile is { } pidFile)
            new PidFile(pidFile).WriteAndRemoveAtShutdown(Phases);
        Log.Log(LogClass.Notice, $"{Me}: starting");

        if (_options.OpensLogs)
        {
            foreach (var log in DaemonLogs.In(settings.Log))
                Signals.Register(SignalHandling.SIGHUP, _ => log.Reopen());
        }
        // Registered last so it runs first (newest first): like 0.6.7, this notice still goes to
        // the old file and the reopened file starts with the logfile's own "received SIGHUP".
        Signals.Register(SignalHandling.SIGHUP, _ => Log.Log(LogClass.Info, $"{Me}: received SIGHUP"));
    }

    private void StartSignalHandling()
    {
        Signals.Register(SignalHandling.SIGTERM, _ => Finish("SIGTERM"));
        if (_options.NoDetach)
            Signals.Register(SignalHandling.SIGINT, _ => Finish("SIGINT"));
        Signals.Register(SignalHandling.SIGCHLD, _ => Children.ReapRegistered());
        Signals.Register(SignalHandling.SIGUSR1, _ => ReportMemory());
        Signals.Start();
    }

    /// <summary>
    /// One full collection that also hands the free memory back to the system (Aggressive): as
    /// the loop starts, and after a storm of key exchanges (<see cref="CheckHeapGrowth"/>). At
    /// the start everything the configuration needed (lexer, parse tree, closure dictionaries,
    /// ...) is garbage, and with a thousand sites it is most of the heap; the GC would keep the
    /// memory it grew for them until enough is allocated again, which an idle hub may never do:
    /// measured with 1,000 idle sites, resident 20.5 MB without this, 10.7 MB with it (8.7 MB
    /// with one site). A few milliseconds.
    /// </summary>
    private void TrimHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _committedAfterTrim = GC.GetGCMemoryInfo().TotalCommittedBytes;
    }

    /// <summary>How often the loop looks whether the GC holds much more memory than after the last
    /// trim (<see cref="CheckHeapGrowth"/>).</summary>
    private const int HeapCheckIntervalMs = 60_000;

    /// <summary>Growth of the GC's committed memory since the last trim that earns another.</summary>
    private const long HeapGrowthToTrim = 8 << 20;

    private long _committedAfterTrim;

    /// <summary>
    /// The data path allocates nothing, but key exchanges do (messages, big numbers, log lines),
    /// and a storm of them (a hub restarting under a thousand spokes) makes the GC grow its
    /// budget to tens of MB that an otherwise quiet hub then keeps for good: measured with 1,000
    /// keyed sites, 32 MB resident for 4 MB of live objects. So once a minute, if the GC holds
    /// 8 MB more than after the last trim, one aggressive collection returns it (measured: 16 MB
    /// resident then). Steady traffic allocates nothing; at worst, a storm or a busy rekeying hub
    /// costs one collection of a few milliseconds a minute.
    /// </summary>
    private void CheckHeapGrowth()
    {
        if (GC.GetGCMemoryInfo().TotalCommittedBytes > _committedAfterTrim + HeapGrowthToTrim)
            TrimHeap();
        Loop.Schedule(HeapCheckIntervalMs, CheckHeapGrowth);
    }

    /// <summary>SIGUSR1 (our addition): what the process holds, so the cost of many sites can be
    /// seen on a running hub. It trims first (<see cref="TrimHeap"/>), so "live" means live, not
    /// "not yet collected", and the resident figure is what the process needs; an operator's
    /// signal is rare enough to pay for one collection.</summary>
    private void ReportMemory()
    {
        TrimHeap();
        long live = GC.GetTotalMemory(forceFullCollection: false);
        Log.Log(LogClass.Info, $"{Me}: memory: managed heap {live / 1024} KiB live, {_committedAfterTrim / 1024} KiB committed; "
            + $"resident {Environment.WorkingSet / 1024} KiB");
    }

    private void Finish(string signal)
    {
        Log.Log(LogClass.Notice, $"{Me}: received {signal}");
        Loop.Stop();
    }

    private void ReportUp()
    {
        _report?.Up();
        try
        {
            SdNotify.Notify("READY=1");
        }
        catch (SocketException e)
        {
            Log.Log(LogClass.Warning, $"sd_notify: {e.Message}");
        }
    }

    private int Fail(Phase phase, IReadOnlyList<string> lines)
    {
        Phases.EnterShutdownAfterFatal(phase);
        foreach (var line in lines)
        {
            // 0.6.7 follows some parse summaries with a bare empty line.
            if (line.Length == 0)
                LogOutput.Stderr.WriteLine();
            else
                Log.Log(LogClass.Fatal, line);
        }
        _report?.Fatal(lines);
        return (int)phase;
    }
}
