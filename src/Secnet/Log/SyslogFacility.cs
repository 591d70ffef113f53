namespace Secnet.Log;

/// <summary>The facility words the <c>syslog</c> closure accepts and their syslog(3) codes.</summary>
public static class SyslogFacility
{
    private static readonly Dictionary<string, int> Codes = new(StringComparer.Ordinal)
    {
        ["auth"] = 4 << 3,
        ["authpriv"] = 10 << 3,
        ["cron"] = 9 << 3,
        ["daemon"] = 3 << 3,
        ["kern"] = 0,
        ["local0"] = 16 << 3,
        ["local1"] = 17 << 3,
        ["local2"] = 18 << 3,
        ["local3"] = 19 << 3,
        ["local4"] = 20 << 3,
        ["local5"] = 21 << 3,
        ["local6"] = 22 << 3,
        ["local7"] = 23 << 3,
        ["lpr"] = 6 << 3,
        ["mail"] = 2 << 3,
        ["news"] = 7 << 3,
        ["syslog"] = 5 << 3,
        ["user"] = 1 << 3,
        ["uucp"] = 8 << 3,
    };

    /// <summary>Facility code already shifted into the PRI position (facility * 8).</summary>
    public static bool TryParse(string word, out int code) => Codes.TryGetValue(word, out code);

    /// <summary>secnet's class-to-priority table (runtime.md §4.1); the lowest set class decides.</summary>
    public static int Severity(LogClass cls)
    {
        if ((cls & LogClass.AllDebug) != 0) return 7;
        if ((cls & LogClass.Info) != 0) return 6;
        if ((cls & LogClass.Notice) != 0) return 5;
        if ((cls & LogClass.Warning) != 0) return 4;
        if ((cls & LogClass.Error) != 0) return 3;
        if ((cls & LogClass.Security) != 0) return 2;
        if ((cls & LogClass.Fatal) != 0) return 0;
        return 6;
    }
}
