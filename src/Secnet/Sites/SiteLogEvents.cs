namespace Secnet.Sites;

/// <summary>The site's <c>log-events</c> words (protocol.md §13); bit values are 0.6.7's.</summary>
[Flags]
public enum SiteLogEvents : uint
{
    None = 0,
    Unexpected = 0x1,
    SetupInit = 0x2,
    SetupTimeout = 0x4,
    ActivateKey = 0x8,
    TimeoutKey = 0x10,
    Security = 0x20,
    StateChange = 0x40,
    PacketDrop = 0x80,
    DumpPackets = 0x100,
    Errors = 0x400,
    PeerAddrs = 0x800,
    SigKeys = 0x1000,
    Default = SetupInit | SetupTimeout | ActivateKey | TimeoutKey | Security | Errors | SigKeys,
    All = 0xffffffff,
}

/// <summary>The config words for <see cref="SiteLogEvents"/>, in 0.6.7's table order.</summary>
public static class SiteLogEventNames
{
    public static readonly IReadOnlyList<KeyValuePair<string, SiteLogEvents>> Words =
    [
        new("unexpected", SiteLogEvents.Unexpected),
        new("setup-init", SiteLogEvents.SetupInit),
        new("setup-timeout", SiteLogEvents.SetupTimeout),
        new("activate-key", SiteLogEvents.ActivateKey),
        new("timeout-key", SiteLogEvents.TimeoutKey),
        new("security", SiteLogEvents.Security),
        new("state-change", SiteLogEvents.StateChange),
        new("packet-drop", SiteLogEvents.PacketDrop),
        new("dump-packets", SiteLogEvents.DumpPackets),
        new("errors", SiteLogEvents.Errors),
        new("peer-addrs", SiteLogEvents.PeerAddrs),
        new("sigkeys", SiteLogEvents.SigKeys),
        new("default", SiteLogEvents.Default),
        new("all", SiteLogEvents.All),
    ];
}
