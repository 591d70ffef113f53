using Secnet.Config;
using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Modules;

/// <summary>
/// The process side's closures (config.md §4.5, §4.6): <c>logfile</c> and <c>syslog</c> (LOG)
/// and <c>sysbuffer</c> (BUFFER). Keys are read in 0.6.7's order so the first error matches.
/// </summary>
internal static class RuntimeModules
{
    private static readonly IReadOnlyDictionary<string, int> ClassWords = BuildClassWords();

    public static void Register(ModuleRegistry r)
    {
        ArgumentNullException.ThrowIfNull(r);
        r.Register("logfile", LogFileClosure);
        r.Register("syslog", SyslogClosure);
        r.Register("sysbuffer", SysBufferClosure);
    }

    private static IReadOnlyList<Item> LogFileClosure(Invocation inv)
    {
        const string facility = "logfile";
        var args = inv.DictArgument(facility, "argument must be a dictionary");
        var filename = args.GetString("filename");
        var prefix = args.GetString("prefix", "");
        var classes = (LogClass)args.GetFlags("class", ClassWords);
        var log = new LogFile(filename, classes, prefix, $"{facility} ({inv.Location})");
        return [new ClosureItem(facility, ClosureType.Log, log)];
    }

    private static IReadOnlyList<Item> SyslogClosure(Invocation inv)
    {
        const string facility = "syslog";
        var args = inv.DictArgument(facility, "parameter must be a dictionary");
        var ident = args.GetString("ident");
        var facilityWord = args.GetString("facility", required: true)!;
        if (!SyslogFacility.TryParse(facilityWord, out var code))
            throw inv.Error(facility, $"option \"{facilityWord}\" not known");
        // Until it is opened, syslog prints like the startup log: filtered by -v/-d/-f/-w.
        var commandLine = inv.Modules.Find<CommandLine>();
        var log = new SyslogLog(ident, code, () => commandLine?.MessageLevel ?? LogClass.Default, SyslogSocketPath());
        return [new ClosureItem(facility, ClosureType.Log, log)];
    }

    /// <summary>
    /// Where syslog lines are sent: /dev/log, unless the environment variable
    /// <see cref="SyslogSocketVariable"/> names another socket (tests, chroots, containers without
    /// /dev/log). An environment variable rather than a config key keeps 0.6.7's configs portable.
    /// </summary>
    private static string SyslogSocketPath() =>
        Environment.GetEnvironmentVariable(SyslogSocketVariable) is { Length: > 0 } path ? path : SyslogLog.DefaultSocketPath;

    public const string SyslogSocketVariable = "SECNET_SYSLOG_SOCKET";

    private static IReadOnlyList<Item> SysBufferClosure(Invocation inv)
    {
        // Every sysbuffer message uses facility "buffer", the typed reader's ones included.
        const string facility = "buffer";
        var size = SysBuffer.DefaultSize;
        if (inv.Arg(0) is { } first)
        {
            if (first is not NumberItem number)
                throw inv.Error(facility, "first parameter must be a number (buffer size)");
            if (number.Value < SysBuffer.MinSize)
                throw inv.Error(facility, "ludicrously small buffer size");
            if (number.Value > SysBuffer.MaxSize)
                throw inv.Error(facility, "ludicrously large buffer size");
            size = (int)number.Value;
        }
        var lockdown = false;
        if (inv.Arg(1) is { } second)
        {
            if (second is not DictItem options)
                throw inv.Error(facility, "second parameter must be a dictionary");
            lockdown = new ArgReader(facility, inv.Location, options.Dict).GetBoolOr("lockdown", false);
        }
        var buffer = new SysBuffer(size, lockdown);
        if (lockdown && !inv.Modules.JustCheck && inv.Modules.Find<PhaseRunner>() is { } phases)
            phases.Register(Phase.GetResources, _ => buffer.ApplyLockdown(inv.Modules.Log));
        return [new ClosureItem("sysbuffer", ClosureType.Buffer, buffer)];
    }

    private static Dictionary<string, int> BuildClassWords()
    {
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, cls) in LogClassWords.All)
            words[word] = (int)cls;
        return words;
    }
}
