using System.Diagnostics;
using Secnet.Modules;
using Secnet.Runtime;
using Secnet.Sites;

namespace Secnet.Control;

/// <summary>
/// Answers one control request. Runs on the event loop thread, which owns every site's
/// protocol state: status reads it, rekey changes it, and the reloader rewrites it.
/// </summary>
public sealed class ControlCommands(ModuleContext modules)
{
    private readonly ModuleContext _modules = modules;

    public ControlResponse Execute(ControlRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var args = request.Arguments;
        switch (request.Command)
        {
            case "status":
            {
                bool json = args.Count > 0 && args[0] == "--json";
                var rest = json ? args.Skip(1).ToArray() : args.ToArray();
                if (rest.Length > 1 || (rest.Length == 1 && rest[0].StartsWith('-')))
                    return ControlResponse.Failure(ControlProtocol.BadRequest, "usage: status [--json] [SITE]");
                var sites = Statuses(rest.Length == 1 ? rest[0] : null, out var unknown);
                if (unknown is not null) return unknown;
                return ControlResponse.Success(json ? StatusJson.Format(sites) : StatusText.Format(sites));
            }
            case "metrics":
                if (args.Count != 0) return ControlResponse.Failure(ControlProtocol.BadRequest, "usage: metrics");
                return ControlResponse.Success(Metrics());
            case "rekey":
                if (args.Count != 1) return ControlResponse.Failure(ControlProtocol.BadRequest, "usage: rekey SITE");
                return Rekey(args[0]);
            case "reload":
                if (args.Count != 0) return ControlResponse.Failure(ControlProtocol.BadRequest, "usage: reload");
                return Reload();
            case "version":
                return ControlResponse.Success($"secnet {SecnetVersion.Text}\nprotocol {ControlProtocol.Version}\n");
            default:
                return ControlResponse.Failure(ControlProtocol.UnknownCommand,
                    $"unknown command \"{request.Command}\" (status, metrics, rekey, reload, version)");
        }
    }

    /// <summary>The metrics text (also what the HTTP listener serves).</summary>
    public string Metrics() => MetricsText.Format(Statuses(null, out _), Process());

    private List<SiteStatus> Statuses(string? only, out ControlResponse? unknown)
    {
        unknown = null;
        var result = new List<SiteStatus>();
        var directory = _modules.Find<SiteDirectory>();
        if (only is not null)
        {
            if (directory?.Find(only) is not { } site)
            {
                unknown = UnknownSite(only);
                return result;
            }
            result.Add(site.Status());
            return result;
        }
        if (directory is not null)
        {
            foreach (var site in directory.Running) result.Add(site.Status());
        }
        return result;
    }

    private static ControlResponse UnknownSite(string name) =>
        ControlResponse.Failure(ControlProtocol.UnknownSite, $"no running site called \"{name}\"");

    private ControlResponse Rekey(string name)
    {
        if (_modules.Find<SiteDirectory>()?.Find(name) is not { } site) return UnknownSite(name);
        return site.RequestKeyExchange() switch
        {
            RekeyResult.Started => ControlResponse.Success($"{name}: key exchange started\n"),
            RekeyResult.InProgress => ControlResponse.Success($"{name}: key exchange already in progress (state {site.State.LogName()})\n"),
            RekeyResult.NoAddress => ControlResponse.Failure(ControlProtocol.NotNow, $"{name}: no address for the peer yet (a mobile peer must be heard from first)"),
            _ => ControlResponse.Failure(ControlProtocol.NotNow, $"{name}: in state {site.State.LogName()} after a failed key exchange; it retries by itself, or try again later"),
        };
    }

    private ControlResponse Reload()
    {
        if (_modules.Find<IConfigReloader>() is not { } reloader)
            return ControlResponse.Failure(ControlProtocol.ReloadUnsupported, "reload not supported by this secnet");
        var outcome = reloader.Reload();
        var body = outcome.Lines.Count == 0 ? "" : string.Join('\n', outcome.Lines) + "\n";
        return outcome.Applied
            ? ControlResponse.Success(body.Length == 0 ? "configuration reloaded; nothing changed\n" : body)
            : ControlResponse.Failure(ControlProtocol.ReloadFailed, "the new configuration was refused; the running one stays", body);
    }

    private static ProcessFigures Process()
    {
        using var me = System.Diagnostics.Process.GetCurrentProcess();
        int fds;
        try
        {
            fds = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            fds = 0;
        }
        return new ProcessFigures(
            SecnetVersion.Text,
            me.TotalProcessorTime.TotalSeconds,
            me.WorkingSet64,
            me.VirtualMemorySize64,
            Math.Round(new DateTimeOffset(me.StartTime).ToUnixTimeMilliseconds() / 1000.0, 3),
            fds,
            GC.GetTotalMemory(forceFullCollection: false),
            me.Threads.Count);
    }
}
