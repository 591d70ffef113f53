using Secnet.Log;
using Secnet.Modules;

namespace Secnet.Config;

/// <summary>
/// The checks secnet makes after reading the configuration (config.md §5 steps 3-6): the system
/// dictionary, its log, userid, pidfile and root requirement, then the list of sites. Errors 0.6.7
/// reports without a location (closures carry none) fall back to the location of the key's
/// assignment.
/// </summary>
public static class ConfigChecker
{
    public const string DefaultSitesKey = "sites";

    /// <summary>Steps 3-6; the sites warning goes to <c>context.Log</c>.</summary>
    public static CheckedConfig Check(ConfigDict root, ModuleContext context, string sitesKey = DefaultSitesKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        var system = ReadSystem(root, context.RootRequiredFeatures);
        var sites = ReadSites(root, sitesKey, context.Log);
        return new CheckedConfig(root, system, sites);
    }

    /// <summary>Steps 3-5. Fatal errors exit with 3 (SETUP), type errors are config errors (8).</summary>
    public static SystemConfig ReadSystem(ConfigDict root, IReadOnlyList<string> rootRequiredFeatures, Func<string, UserAccount?>? findUser = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(rootRequiredFeatures);
        if (root.Find("system")?.Value[0] is not DictItem systemItem)
            throw ConfigFileException.Fatal("configuration does not include a \"system\" dictionary", 3);
        var system = systemItem.Dict;

        var logEntry = system.Find("log")
            ?? throw ConfigFileException.Fatal("configuration does not include a system/log facility", 3);
        var (logClosures, log) = ReadLogs(logEntry);

        var reader = new ArgReader("system", systemItem.Location!, system);
        UserAccount? user = null;
        var userName = reader.GetString("userid");
        if (userName is not null)
        {
            user = (findUser ?? UserDatabase.Find)(userName)
                ?? throw ConfigFileException.Fatal($"userid \"{userName}\" not found", 3);
        }
        var pidFile = reader.GetString("pidfile");
        var cryptoWorkers = reader.GetNumber("crypto-workers");
        if (cryptoWorkers is < 0 or > 64)
            throw reader.ErrorAt(reader.Raw("crypto-workers")![0], "crypto-workers must be 0 (seal and open on the packet thread) to 64");
        var control = Control.ControlSettings.Read(reader);

        if (user is { Uid: not 0 } && rootRequiredFeatures.Count > 0)
            throw ConfigFileException.Fatal(
                $"the configured feature \"{rootRequiredFeatures[0]}\" requires that secnet retain root privileges while running.", 3);

        return new SystemConfig(system, logClosures, log, user, pidFile, cryptoWorkers, control);
    }

    /// <summary>One LOG closure, or several fanned out (0.6.7 crashes on several; §9).</summary>
    private static (IReadOnlyList<ClosureItem>, ILog) ReadLogs(ConfigDict.Entry entry)
    {
        const string facility = "init_log";
        var closures = new ClosureItem[entry.Value.Count];
        var logs = new ILog[entry.Value.Count];
        for (int i = 0; i < closures.Length; i++)
        {
            var item = entry.Value[i];
            var at = item.Location ?? entry.Location;
            if (item is not ClosureItem c) throw new ConfigException(facility, at, "item is not a closure");
            if (c.Type != ClosureType.Log || c.Value is not ILog l)
                throw new ConfigException(facility, at, "closure is not a logger");
            closures[i] = c;
            logs[i] = l;
        }
        return (closures, logs.Length == 1 ? logs[0] : new Log.LogSet(logs));
    }

    /// <summary>Step 6: the SITE closures under <paramref name="sitesKey"/>; missing or empty is only a warning.</summary>
    public static IReadOnlyList<ClosureItem> ReadSites(ConfigDict root, string sitesKey, ILog log)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(log);
        const string facility = "system";
        var entry = root.Find(sitesKey);
        if (entry is null)
        {
            log.Log(LogClass.Warning, $"secnet: configuration key \"{sitesKey}\" is missing; no remote sites are defined");
            return Array.Empty<ClosureItem>();
        }
        var sites = new ClosureItem[entry.Value.Count];
        for (int i = 0; i < sites.Length; i++)
        {
            var item = entry.Value[i];
            var at = item.Location ?? entry.Location;
            if (item is not ClosureItem c) throw new ConfigException(facility, at, "non-closure in site list");
            if (c.Type != ClosureType.Site) throw new ConfigException(facility, at, "non-site closure in site list");
            sites[i] = c;
        }
        return sites;
    }
}
