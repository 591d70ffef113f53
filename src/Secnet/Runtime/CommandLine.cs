using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>The settings secnet takes from its command line (runtime.md §1).</summary>
/// <param name="ConfigPath">Configuration file; "-" means standard input.</param>
/// <param name="JustCheck">-j: stop after setup.</param>
/// <param name="NoDetach">-n: stay in the foreground.</param>
/// <param name="Managed">-m: already supervised, do not fork but still redirect stdio to the log.</param>
/// <param name="SitesKey">Top-level key that lists the active sites.</param>
/// <param name="MessageLevel">Filter of the startup log (and of an unopened syslog).</param>
public sealed record CommandLine(
    string ConfigPath,
    bool JustCheck,
    bool NoDetach,
    bool Managed,
    string SitesKey,
    LogClass MessageLevel)
{
    public const string DefaultConfigPath = "/etc/secnet/secnet.conf";
    public const string DefaultSitesKey = "sites";

    public static CommandLine Defaults { get; } =
        new(DefaultConfigPath, false, false, false, DefaultSitesKey, LogClass.Default);

    /// <summary>True when secnet leaves the invoking terminal (fork and log to files/syslog).</summary>
    public bool Background => !NoDetach && !Managed;
}
