using Secnet.Comm;
using Secnet.Netlink;
using Secnet.Runtime;

namespace Secnet.Sites;

/// <summary>
/// The SITE closure value: everything the configuration decided about one peer. The live
/// <see cref="Site"/> needs the event loop, so it is made by <see cref="Create"/> once one exists
/// (never under <c>-j</c>).
/// </summary>
public sealed class ConfiguredSite(SiteOptions options, uint index, INetlinkClient link, IReadOnlyList<IComm> comms, IResolver resolver)
{
    /// <summary>True once the sites key selected this site (config.md §5 step 6): only selected
    /// sites run; the others exist (their netlink routes are registered) but stay idle.</summary>
    public bool Selected { get; private set; }

    /// <summary>SETUP: the site is selected. Its link leaves quality 0 now, as secnet's site does
    /// when started at SETUP, so the tun installs this site's hard routes at GETRESOURCES while
    /// still root; the live site (made at RUN) then sets the real quality. Waiting for RUN would
    /// add the routes after <c>userid</c> dropped privileges (EPERM).</summary>
    public void Start()
    {
        Selected = true;
        Link.SetQuality(LinkQuality.Down);
    }

    public SiteOptions Options { get; } = options;
    public uint Index { get; } = index;
    public INetlinkClient Link { get; } = link;
    public IReadOnlyList<IComm> Comms { get; } = comms;
    public IResolver Resolver { get; } = resolver;
    public Site? Instance { get; private set; }

    /// <summary>What reading the site's configuration logs at Info (0.6.7's old-style key line),
    /// for a reload to log when it adds the site rather than for every site it reads again.</summary>
    public string? ConfigurationNotice { get; init; }

    public Site Create(IScheduler scheduler, Packets.CryptoWorkerPool? workers = null) =>
        Instance ??= new Site(Options, Index, scheduler, Link, Comms, Resolver) { Workers = workers };
}

/// <summary>Hands out site indices 1, 2, ... in instantiation order, across the process (protocol.md §7).</summary>
public sealed class SiteIndexAllocator
{
    private uint _next = 1;
    public uint Next() => _next++;
}
