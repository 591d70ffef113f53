using System.Net;

namespace Secnet.Comm;

/// <summary>The keys of a <c>udp</c> closure (config.md §4.3, runtime.md §7).</summary>
public sealed record UdpCommOptions
{
    /// <summary>Local addresses, one socket each; null means IPv6 <c>::</c> then IPv4 <c>0.0.0.0</c>,
    /// where only the last socket is required.</summary>
    public IReadOnlyList<IPAddress>? Addresses { get; init; }

    public int Port { get; init; }

    /// <summary>Helper program that binds privileged ports for us (runtime.md §7).</summary>
    public string? Authbind { get; init; }

    /// <summary>The <c>buffer</c> size: the largest datagram we receive.</summary>
    public int BufferSize { get; init; } = 4096;

    /// <summary>Instance counter and config line for the comm-address text: <c>udp#N@lL</c>.</summary>
    public string InstanceName { get; init; } = "udp#0";

    /// <summary>Where the closure was written, for <c>udp (FILE:LINE): ...</c> lines.</summary>
    public string Location { get; init; } = "";

    public IReadOnlyList<IPAddress> EffectiveAddresses => Addresses ?? [IPAddress.IPv6Any, IPAddress.Any];
}
