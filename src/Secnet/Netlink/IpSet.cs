namespace Secnet.Netlink;

/// <summary>
/// An immutable set of IPv4 addresses kept as sorted, disjoint, non-adjacent inclusive ranges,
/// so equal sets have equal representations and lookups are a short scan.
/// </summary>
public sealed class IpSet
{
    private readonly (uint First, uint Last)[] _ranges;

    private IpSet((uint, uint)[] ranges) => _ranges = ranges;

    public static IpSet Empty { get; } = new([]);

    public static IpSet All { get; } = new([(0u, uint.MaxValue)]);

    public static IpSet Of(Subnet subnet) => new([(subnet.Network, subnet.LastAddress)]);

    public bool IsEmpty => _ranges.Length == 0;

    public ReadOnlySpan<(uint First, uint Last)> Ranges => _ranges;

    /// <summary>Applies list entries left to right: union, or subtraction for <c>!</c> entries.</summary>
    public static IpSet FromSpecs(IEnumerable<SubnetSpec> specs)
    {
        var set = Empty;
        foreach (var spec in specs)
            set = spec.Subtract ? set.Subtract(Of(spec.Subnet)) : set.Union(Of(spec.Subnet));
        return set;
    }

    /// <summary>Parses a configured list; on failure returns null and the first error text.</summary>
    public static IpSet? TryParse(IEnumerable<string> entries, out string? error)
    {
        var specs = new List<SubnetSpec>();
        foreach (var entry in entries)
        {
            if (!SubnetSpec.TryParse(entry, out var spec, out error)) return null;
            specs.Add(spec);
        }
        error = null;
        return FromSpecs(specs);
    }

    /// <summary>Parses a list that must be valid (tests, built-in defaults).</summary>
    public static IpSet Parse(params string[] entries) =>
        TryParse(entries, out var error) ?? throw new FormatException(error);

    public bool Contains(uint address)
    {
        foreach (var (first, last) in _ranges)
        {
            if (address < first) return false;
            if (address <= last) return true;
        }
        return false;
    }

    public IpSet Union(IpSet other)
    {
        var merged = new List<(uint First, uint Last)>(_ranges.Length + other._ranges.Length);
        int i = 0, j = 0;
        while (i < _ranges.Length || j < other._ranges.Length)
        {
            var next = j >= other._ranges.Length || (i < _ranges.Length && _ranges[i].First < other._ranges[j].First)
                ? _ranges[i++]
                : other._ranges[j++];
            if (merged.Count > 0 && (ulong)next.First <= (ulong)merged[^1].Last + 1)
            {
                var last = merged[^1];
                merged[^1] = (last.First, Math.Max(last.Last, next.Last));
            }
            else
            {
                merged.Add(next);
            }
        }
        return new IpSet(merged.ToArray());
    }

    public IpSet Complement()
    {
        var result = new List<(uint, uint)>(_ranges.Length + 1);
        ulong nextFree = 0;
        foreach (var (first, last) in _ranges)
        {
            if (first > nextFree) result.Add(((uint)nextFree, first - 1));
            nextFree = (ulong)last + 1;
        }
        if (nextFree <= uint.MaxValue) result.Add(((uint)nextFree, uint.MaxValue));
        return new IpSet(result.ToArray());
    }

    public IpSet Intersect(IpSet other)
    {
        var result = new List<(uint, uint)>();
        int i = 0, j = 0;
        while (i < _ranges.Length && j < other._ranges.Length)
        {
            var a = _ranges[i];
            var b = other._ranges[j];
            uint first = Math.Max(a.First, b.First);
            uint last = Math.Min(a.Last, b.Last);
            if (first <= last) result.Add((first, last));
            if (a.Last < b.Last) i++; else j++;
        }
        return new IpSet(result.ToArray());
    }

    public IpSet Subtract(IpSet other) => Intersect(other.Complement());

    public bool IsSubsetOf(IpSet super) => Intersect(super.Complement()).IsEmpty;

    /// <summary>
    /// The fewest CIDR blocks covering the set, in secnet's order: each range is eaten from both
    /// ends with the largest aligned block that fits, so the list is not sorted (secnet's kernel
    /// routes and route dump show this order).
    /// </summary>
    public IReadOnlyList<Subnet> ToSubnets()
    {
        var result = new List<Subnet>();
        foreach (var (first, last) in _ranges)
        {
            // Invariant: low and high+1 are multiples of blockSize, so a block that starts at an
            // odd multiple (or ends just before one) is the largest aligned block at that end.
            long low = first, high = last;
            int length = 32;
            long blockSize = 1;
            while (low <= high)
            {
                if ((low & blockSize) != 0)
                {
                    result.Add(new Subnet((uint)low, length));
                    low += blockSize;
                }
                else if (((high + 1) & blockSize) != 0)
                {
                    result.Add(new Subnet((uint)(high + 1 - blockSize), length));
                    high -= blockSize;
                }
                else
                {
                    blockSize <<= 1;
                    length--;
                }
            }
        }
        return result;
    }

    /// <summary>CIDR blocks each followed by one space, as the route dump prints them.</summary>
    public string ToDisplayString()
    {
        var sb = new System.Text.StringBuilder();
        foreach (var s in ToSubnets()) sb.Append(s.ToString()).Append(' ');
        return sb.ToString();
    }
}
