namespace Secnet.Netlink;

/// <summary>Why the router dropped (or answered instead of forwarding) a packet.</summary>
public enum NetlinkDrop
{
    /// <summary>Failed the IPv4 checks of §5 (and IPv6 on a device without local-address6, as in 0.6.7).</summary>
    BadPacket,
    BadSource,
    TtlExceeded,
    NoRoute,
    ForwardingDenied,
    LocalShort,
    LocalFragment,
    LocalUnknownIcmp,
    LocalProtocolUnreachable,
    DeliverToSelf,
    DontFragment,
    MtuTooSmall,
    FragmentError,
    ClientNotRegistered,
    /// <summary>No pooled buffer or room to build an ICMP reply or a fragment.</summary>
    NoBuffer,
    /// <summary>Failed the IPv6 length/version checks.</summary>
    BadPacket6,
    /// <summary>The host's own link-local or multicast IPv6 (neighbour/router discovery, MLD):
    /// not for the tunnel, dropped without a log line.</summary>
    LinkLocal6,
    BadSource6,
    HopLimitExceeded,
    /// <summary>IPv6 with no site route nor local network for it (e.g. towards a site without
    /// routes6, such as a 0.6.7 peer); answered with ICMPv6 "no route".</summary>
    NoRoute6,
    ForwardingDenied6,
    /// <summary>IPv6 over a tunnel's or the host's MTU: answered "packet too big" (IPv6 routers
    /// do not fragment).</summary>
    PacketTooBig,
    LocalUnknownIcmp6,
    LocalPortUnreachable6,
    /// <summary>An ICMPv6 error not sent because of the rate limit.</summary>
    Icmpv6RateLimited,
}

/// <summary>Per-device counters of every drop reason and of generated ICMP; thread-safe.</summary>
public sealed class NetlinkCounters
{
    private readonly long[] _drops = new long[Enum.GetValues<NetlinkDrop>().Length];
    private long _icmpSent;
    private long _fragmentsSent;
    private long _localCount;
    private long _hostCount;

    public long this[NetlinkDrop reason] => Interlocked.Read(ref _drops[(int)reason]);
    public long IcmpSent => Interlocked.Read(ref _icmpSent);
    public long FragmentsSent => Interlocked.Read(ref _fragmentsSent);

    /// <summary>Packets addressed to secnet itself ("use" of the netlink line in the dump).</summary>
    public long LocalCount => Interlocked.Read(ref _localCount);

    /// <summary>Packets delivered to the host ("use" of the host line in the dump).</summary>
    public long HostCount => Interlocked.Read(ref _hostCount);

    /// <summary>The SIGUSR1 report: generated ICMP and fragments, and the drop reasons seen.</summary>
    public string Report()
    {
        var drops = new List<string>();
        foreach (var reason in Enum.GetValues<NetlinkDrop>())
            if (this[reason] is var n and > 0) drops.Add($"{reason} {n}");
        return $"ICMP sent {IcmpSent}, fragments sent {FragmentsSent}, drops: {(drops.Count == 0 ? "none" : string.Join(", ", drops))}";
    }

    internal void Drop(NetlinkDrop reason) => Interlocked.Increment(ref _drops[(int)reason]);
    internal void CountIcmp() => Interlocked.Increment(ref _icmpSent);
    internal void CountFragment() => Interlocked.Increment(ref _fragmentsSent);
    internal void CountLocal() => Interlocked.Increment(ref _localCount);
    internal void CountHost() => Interlocked.Increment(ref _hostCount);
}
