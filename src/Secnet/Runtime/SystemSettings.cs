using Secnet.Config;
using Secnet.Log;
using Secnet.Modules;

namespace Secnet.Runtime;

/// <summary>
/// What the <c>system</c> dictionary says (config.md §5): the system log, the user to become and
/// the pidfile. <see cref="Read(ConfigDict, ModuleContext, Action{ILog})"/> applies 0.6.7's checks in its order, with its texts.
/// </summary>
public sealed record SystemSettings(ILog Log, UserAccount? User, string? PidFilePath)
{
    public static SystemSettings Read(ConfigDict root, ModuleContext modules, Action<ILog> installLog)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(modules);
        ArgumentNullException.ThrowIfNull(installLog);
        var systemEntry = root.Find("system");
        if (systemEntry is null || systemEntry.Value.Count == 0 || systemEntry.Value[0] is not DictItem system)
            throw new SecnetFatalException(Phase.Setup, "configuration does not include a \"system\" dictionary");

        var log = ReadLog(system.Dict);
        // From here on every message, even the next fatal one, goes to the configured log.
        installLog(log);
        var args = new ArgReader("system", system.Location ?? systemEntry.Location ?? new Location("", 0), system.Dict);
        var userid = args.GetString("userid");
        var pidfile = args.GetString("pidfile");
        var user = userid is null ? null : UserAccount.Lookup(userid);
        RootRequirements.Check(modules.RootRequiredFeatures, user);
        return new SystemSettings(log, user, pidfile);
    }

    private static ILog ReadLog(ConfigDict system)
    {
        var entry = system.Find("log")
            ?? throw new SecnetFatalException(Phase.Setup, "configuration does not include a system/log facility");
        var logs = new List<ILog>();
        foreach (var item in entry.Value)
        {
            // Closures carry no location; fall back to the line of the log assignment.
            var where = item.Location ?? entry.Location;
            if (item is not ClosureItem closure)
                throw new ConfigException("init_log", where, "item is not a closure");
            if (closure.Type != ClosureType.Log || closure.Value is not ILog one)
                throw new ConfigException("init_log", where, "closure is not a logger");
            logs.Add(one);
        }
        if (logs.Count == 0)
            throw new SecnetFatalException(Phase.Setup, "configuration does not include a system/log facility");
        return logs.Count == 1 ? logs[0] : new LogSet(logs);
    }
}
