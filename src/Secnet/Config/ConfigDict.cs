namespace Secnet.Config;

/// <summary>
/// A dictionary with its lexical parent (config.md §2.4). Keys whose value is the empty list are
/// stored but invisible to lookups and to the duplicate check (§2.7).
/// </summary>
public sealed class ConfigDict
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    public ConfigDict(ConfigDict? parent) => Parent = parent;

    public ConfigDict? Parent { get; }

    public sealed record Entry(string Key, IReadOnlyList<Item> Value, Location? Location);

    /// <summary>Keys in definition order (including invisible ones).</summary>
    public IEnumerable<Entry> Entries
    {
        get
        {
            foreach (var k in _order) yield return _entries[k];
        }
    }

    /// <summary>Visible entries, most recently defined first (0.6.7's storage order, used by makelist).</summary>
    public IEnumerable<Entry> EntriesNewestFirst
    {
        get
        {
            for (int i = _order.Count - 1; i >= 0; i--)
            {
                var e = _entries[_order[i]];
                if (e.Value.Count > 0) yield return e;
            }
        }
    }

    /// <summary>Looks in this dictionary only; null if absent or empty.</summary>
    public Entry? FindLocal(string key) =>
        _entries.TryGetValue(key, out var e) && e.Value.Count > 0 ? e : null;

    /// <summary>Looks here, then in each lexical parent; null if absent or empty everywhere.</summary>
    public Entry? Find(string key)
    {
        for (var d = this; d is not null; d = d.Parent)
        {
            var e = d.FindLocal(key);
            if (e is not null) return e;
        }
        return null;
    }

    /// <summary>The root of the parent chain.</summary>
    public ConfigDict Root
    {
        get
        {
            var d = this;
            while (d.Parent is not null) d = d.Parent;
            return d;
        }
    }

    /// <summary>Adds a key; false if it already has a non-empty value here (duplicate key).</summary>
    public bool TryAdd(string key, IReadOnlyList<Item> value, Location? location)
    {
        if (FindLocal(key) is not null) return false;
        // A key redefined after an invisible (empty) value counts as defined now.
        if (_entries.ContainsKey(key)) _order.Remove(key);
        _order.Add(key);
        _entries[key] = new Entry(key, value, location);
        return true;
    }
}
