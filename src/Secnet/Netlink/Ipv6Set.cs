namespace Secnet.Netlink;

/// <summary>
/// An immutable list of IPv6 prefixes, longest first, so that the first match is the longest
/// match. IPv6 routes are chosen by the longest prefix (unlike secnet's IPv4 routes, where the
/// first route by priority wins), which is what an IPv6 host expects of a router.
/// </summary>
public sealed class Ipv6Set
{
    private readonly Ipv6Prefix[] _prefixes;

    private Ipv6Set(Ipv6Prefix[] prefixes) => _prefixes = prefixes;

    public static Ipv6Set Empty { get; } = new([]);

    public static Ipv6Set All { get; } = new([new Ipv6Prefix(UInt128.Zero, 0)]);

    public bool IsEmpty => _prefixes.Length == 0;

    public ReadOnlySpan<Ipv6Prefix> Prefixes => _prefixes;

    /// <summary>Drops duplicates and sorts longest first.</summary>
    public static Ipv6Set Of(IEnumerable<Ipv6Prefix> prefixes)
    {
        var list = new List<Ipv6Prefix>();
        foreach (var p in prefixes)
            if (!list.Contains(p)) list.Add(p);
        list.Sort(static (a, b) => a.PrefixLength != b.PrefixLength
            ? b.PrefixLength.CompareTo(a.PrefixLength)
            : a.Network.CompareTo(b.Network));
        return new Ipv6Set(list.ToArray());
    }

    public static Ipv6Set? TryParse(IEnumerable<string> entries, out string? error)
    {
        var prefixes = new List<Ipv6Prefix>();
        foreach (var e in entries)
        {
            if (!Ipv6Prefix.TryParse(e, out var p, out error)) return null;
            prefixes.Add(p);
        }
        error = null;
        return Of(prefixes);
    }

    public static Ipv6Set Parse(params string[] entries) =>
        TryParse(entries, out var error) ?? throw new FormatException(error);

    /// <summary>The length of the longest prefix holding <paramref name="address"/>, or -1.</summary>
    public int LongestMatch(UInt128 address)
    {
        foreach (var p in _prefixes)
            if (p.Contains(address)) return p.PrefixLength;
        return -1;
    }

    public bool Contains(UInt128 address) => LongestMatch(address) >= 0;

    /// <summary>Whether every prefix lies inside one of <paramref name="super"/>'s.</summary>
    public bool IsSubsetOf(Ipv6Set super)
    {
        foreach (var p in _prefixes)
        {
            bool inside = false;
            foreach (var s in super._prefixes)
                if (s.PrefixLength <= p.PrefixLength && s.Contains(p.Network)) { inside = true; break; }
            if (!inside) return false;
        }
        return true;
    }

    public string ToDisplayString()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var p in _prefixes) sb.Append(p.ToString()).Append(' ');
        return sb.ToString();
    }
}
