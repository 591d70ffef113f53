namespace Secnet.Sites;

/// <summary>
/// Every site the configuration made, in configuration order, for the control socket
/// (<c>secnet-ctl status</c>, <c>rekey</c>). Offered through the module context; the site
/// closures add themselves. Read and changed on the event loop thread only (a reload that adds
/// or removes sites runs there too), so it needs no lock.
/// </summary>
public sealed class SiteDirectory
{
    private readonly List<ConfiguredSite> _sites = [];

    public void Add(ConfiguredSite site) => _sites.Add(site);

    public bool Remove(ConfiguredSite site) => _sites.Remove(site);

    /// <summary>The running sites: selected by the sites key, started at RUN and not shut down
    /// since (a reload that closes a site leaves it here in STOP until it removes it).</summary>
    public IEnumerable<Site> Running
    {
        get
        {
            foreach (var s in _sites)
            {
                if (s.Instance is { State: not SiteState.Stop } site) yield return site;
            }
        }
    }

    /// <summary>The running site whose peer is called <paramref name="name"/>, or null.</summary>
    public Site? Find(string name)
    {
        foreach (var site in Running)
        {
            if (site.Options.Name == name) return site;
        }
        return null;
    }
}
