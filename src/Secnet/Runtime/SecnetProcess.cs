using System.Net.Sockets;
using Secnet.Config;
using Secnet.Log;
using Secnet.Modules;
using Secnet.Runtime.Native;

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
            foreach (var site in ConfigChecker.ReadSites(root, _options.SitesKey, Log))
            {
                if (site.Value is IStartableSite startable)
                    startable.Start();
            }
            if (_options.JustCheck)
            {
                Log.Log(LogClass.Info, "configuration file check complete");
                return 0;
            }

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
            ReleaseStartupGarbage();
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
        if (_options.Background && Libc.setsid() < 0)
            throw SecnetFatalException.WithErrno("setsid", System.Runtime.InteropServices.Marshal.GetLastPInvokeError());
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
    /// Once, as the loop starts: everything the configuration needed (lexer, parse tree, closure
    /// dictionaries, ...) is garbage now, and with a thousand sites it is most of the heap. The GC
    /// would keep the memory it grew for them until enough is allocated again, which an idle hub
    /// may never do: measured with 1,000 idle sites, resident 20.5 MB without this, 10.7 MB with
    /// it (8.4 MB with one site). Aggressive also hands the free memory back to the system. A few
    /// milliseconds, once.
    /// </summary>
    private static void ReleaseStartupGarbage() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>SIGUSR1 (our addition): what the process holds, so the cost of many sites can be
    /// seen on a running hub. The collection first makes "live" mean live, not "not yet
    /// collected"; an operator's signal is rare enough to pay for one.</summary>
    private void ReportMemory()
    {
        long live = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo();
        Log.Log(LogClass.Info, $"{Me}: memory: managed heap {live / 1024} KiB live, {info.TotalCommittedBytes / 1024} KiB committed; "
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
