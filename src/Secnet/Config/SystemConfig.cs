using Secnet.Log;

namespace Secnet.Config;

/// <summary>What the daemon needs from the <c>system</c> dictionary (config.md §5 steps 3-5).</summary>
public sealed class SystemConfig(
    ConfigDict system,
    IReadOnlyList<ClosureItem> logClosures,
    ILog log,
    UserAccount? user,
    string? pidFile,
    int? cryptoWorkers = null,
    Control.ControlSettings? control = null)
{
    public ConfigDict System { get; } = system;

    /// <summary>The LOG closures of <c>system/log</c>, in order.</summary>
    public IReadOnlyList<ClosureItem> LogClosures { get; } = logClosures;

    /// <summary>The system log: the single logger, or a fan-out to all of them.</summary>
    public ILog Log { get; } = log;

    /// <summary>The account to drop privileges to, if <c>userid</c> was given.</summary>
    public UserAccount? User { get; } = user;

    public string? PidFile { get; } = pidFile;

    /// <summary><c>crypto-workers</c>: threads that seal and open big batches beside the packet
    /// thread (our addition; absent means one per spare core).</summary>
    public int? CryptoWorkers { get; } = cryptoWorkers;

    /// <summary><c>control-socket</c>, <c>control-socket-group</c>, <c>metrics-listen</c> (our additions).</summary>
    public Control.ControlSettings Control { get; } = control ?? Secnet.Control.ControlSettings.Default;
}

/// <summary>The result of all the post-parse checks: system settings and the sites to run.</summary>
public sealed class CheckedConfig(ConfigDict root, SystemConfig system, IReadOnlyList<ClosureItem> sites)
{
    public ConfigDict Root { get; } = root;
    public SystemConfig System { get; } = system;

    /// <summary>The SITE closures listed under the sites key (possibly none).</summary>
    public IReadOnlyList<ClosureItem> Sites { get; } = sites;
}
