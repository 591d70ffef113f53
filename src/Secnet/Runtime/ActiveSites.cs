using Secnet.Config;
using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>The sites list named by -s/--sites-key (config.md §5 step 6).</summary>
public static class ActiveSites
{
    /// <summary>Checks the list and returns its site objects; missing or empty only warns.</summary>
    public static IReadOnlyList<object> Select(ConfigDict root, string sitesKey, ILog log)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(log);
        var entry = root.Find(sitesKey);
        if (entry is null || entry.Value.Count == 0)
        {
            log.Log(LogClass.Warning,
                $"secnet: configuration key \"{sitesKey}\" is missing; no remote sites are defined");
            return [];
        }
        var sites = new List<object>();
        foreach (var item in entry.Value)
        {
            var where = item.Location ?? entry.Location;
            if (item is not ClosureItem closure)
                throw new ConfigException("system", where, "non-closure in site list");
            if (closure.Type != ClosureType.Site || closure.Value is null)
                throw new ConfigException("system", where, "non-site closure in site list");
            sites.Add(closure.Value);
        }
        return sites;
    }
}
