using Secnet.Config;

namespace Secnet.Comm;

/// <summary>The <c>polypath</c> closure's settings (config.md §4.4).</summary>
public sealed record PolypathOptions
{
    /// <summary>Debian's monitor, the default <c>monitor-command</c> on Linux.</summary>
    public const string DebianMonitorCommand = "/usr/share/secnet/polypath-interface-monitor-linux";

    public const int DefaultMaxInterfaces = 3;

    /// <summary>secnet's UDP_MAX_SOCKETS: addresses used per interface.</summary>
    public const int MaxAddressesPerInterface = 3;

    public int Port { get; init; }
    public string? Authbind { get; init; }
    public int MaxInterfaces { get; init; } = DefaultMaxInterfaces;
    public IReadOnlyList<string>? Interfaces { get; init; }
    public IReadOnlyList<string> MonitorCommand { get; init; } = [DebianMonitorCommand];
    public bool PermitLoopback { get; init; }

    /// <summary>Where the closure was invoked; secnet's log lines carry it.</summary>
    public Location? Location { get; init; }
}
