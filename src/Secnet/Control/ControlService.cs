using Secnet.Log;
using Secnet.Modules;
using Secnet.Runtime;

namespace Secnet.Control;

/// <summary>
/// Puts the control socket and the metrics listener into the daemon's phases: both open at
/// GETRESOURCES (still root: /run/secnet, chown), answer from RUN, close at SHUTDOWN.
/// </summary>
public static class ControlService
{
    public static void Register(ModuleContext modules, PhaseRunner phases, IScheduler loop, ControlSettings settings, ILog log)
    {
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var commands = new ControlCommands(modules);
        ControlServer? control = null;
        MetricsHttpServer? metrics = null;
        phases.Register(Phase.GetResources, _ =>
        {
            if (settings.SocketPath is { } path)
            {
                try
                {
                    control = ControlServer.Open(path, settings.GroupId, commands.Execute);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The default path is a convenience: a second daemon on the host, or one run
                    // without root, still runs (and says why secnet-ctl cannot reach it). A path
                    // the configuration names is a promise, so failing to keep it is fatal.
                    if (settings.PathConfigured) throw new SecnetFatalException(Phase.GetResources, e.Message);
                    log.Log(LogClass.Warning, $"secnet-ctl will not reach this daemon: {e.Message}");
                }
            }
            if (settings.MetricsListen is { } at)
            {
                try
                {
                    metrics = MetricsHttpServer.Open(at, commands.Metrics);
                }
                catch (IOException e)
                {
                    throw new SecnetFatalException(Phase.GetResources, e.Message);
                }
            }
        });
        phases.Register(Phase.Run, _ =>
        {
            control?.Start(loop, "secnet-ctl socket");
            metrics?.Start(loop, "metrics listener");
        });
        phases.Register(Phase.Shutdown, _ =>
        {
            control?.Dispose();
            metrics?.Dispose();
        });
    }
}
