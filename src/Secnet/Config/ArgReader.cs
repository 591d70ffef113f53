namespace Secnet.Config;

/// <summary>
/// THE typed argument reader (config.md §2.9). Every module reads its dictionary keys through this
/// class, so every module reports missing keys, wrong types and ranges with the same texts.
/// Lookups follow the dictionary's lexical parents. Errors are located at the invocation, except
/// the ones 0.6.7 reports "at the item" (string-list entries, flag words, wrong value counts).
/// </summary>
public sealed class ArgReader(string facility, Location location, ConfigDict dict)
{
    public string Facility { get; } = facility;
    public Location Location { get; } = location;
    public ConfigDict Dict { get; } = dict;

    /// <summary>A config error located at the invocation.</summary>
    public ConfigException Error(string text) => new(Facility, Location, text);

    /// <summary>A config error located at an item (no location if the item has none).</summary>
    public ConfigException ErrorAt(Item item, string text) => new(Facility, item.Location, text);

    /// <summary>The raw list under <paramref name="key"/> (parent lookup), or null.</summary>
    public IReadOnlyList<Item>? Raw(string key) => Dict.Find(key)?.Value;

    public bool Has(string key) => Raw(key) is not null;

    private Item? Single(string key, bool required)
    {
        var list = Raw(key);
        if (list is null)
        {
            if (required) throw Error($"required parameter \"{key}\" not found");
            return null;
        }
        if (list.Count != 1)
            throw new ConfigException(Facility, list[0].Location ?? Location, $"parameter \"{key}\" has wrong number of values");
        return list[0];
    }

    public string? GetString(string key, bool required = false)
    {
        var i = Single(key, required);
        if (i is null) return null;
        return i is StringItem s ? s.Value : throw Error($"\"{key}\" must be a string");
    }

    public string GetString(string key, string defaultValue) => GetString(key) ?? defaultValue;

    /// <summary>A number below 2^31 (secnet reads numbers as signed 32-bit).</summary>
    public int? GetNumber(string key, bool required = false)
    {
        var i = Single(key, required);
        if (i is null) return null;
        if (i is not NumberItem n) throw Error($"\"{key}\" must be a number");
        if (n.Value > int.MaxValue) throw Error($"\"{key}\" must fit into a 32-bit signed integer");
        return (int)n.Value;
    }

    public int GetNumber(string key, int defaultValue) => GetNumber(key) ?? defaultValue;

    public bool? GetBool(string key, bool required = false)
    {
        var i = Single(key, required);
        if (i is null) return null;
        return i is BoolItem b ? b.Value : throw Error($"\"{key}\" must be a boolean");
    }

    public bool GetBool(string key, bool required, bool defaultValue) => GetBool(key, required) ?? defaultValue;

    /// <summary>An optional boolean with a default.</summary>
    public bool GetBoolOr(string key, bool defaultValue) => GetBool(key, false) ?? defaultValue;

    public ConfigDict? GetDict(string key, bool required = false)
    {
        var i = Single(key, required);
        if (i is null) return null;
        return i is DictItem d ? d.Dict : throw Error($"\"{key}\" must be a dictionary");
    }

    /// <summary>A closure of the given type; returns the closure item (its Value is the module object).</summary>
    public ClosureItem? GetClosureItem(string key, ClosureType type, bool required = false)
    {
        var i = Single(key, required);
        if (i is null) return null;
        if (i is not ClosureItem c) throw Error($"\"{key}\" must be a closure");
        if (c.Type != type)
            throw Error($"\"{key}\" is the wrong type of closure (expected {type.Name()}, got {c.Type.Name()})");
        return c;
    }

    /// <summary>The module object of a closure of the given type.</summary>
    public T? GetClosure<T>(string key, ClosureType type, bool required = false) where T : class
    {
        var c = GetClosureItem(key, type, required);
        if (c is null) return null;
        return c.Value as T ?? throw Error($"\"{key}\" is the wrong type of closure (expected {type.Name()}, got {c.Type.Name()})");
    }

    /// <summary>A list of strings of any length (a single string is a list of one).</summary>
    public IReadOnlyList<StringItem>? GetStringList(string key, bool required = false)
    {
        var list = Raw(key);
        if (list is null)
        {
            if (required) throw Error($"required string list \"{key}\" not found");
            return null;
        }
        var result = new StringItem[list.Count];
        for (int j = 0; j < list.Count; j++)
            result[j] = list[j] as StringItem ?? throw ErrorAt(list[j], $"\"{key}\" entry must be a string");
        return result;
    }

    /// <summary>
    /// A flag-word list (logfile <c>class</c>, site <c>log-events</c>, netlink <c>options</c>): the
    /// OR of the words' values; absent = 0. Unknown words and non-strings are reported at the item.
    /// </summary>
    public int GetFlags(string key, IReadOnlyDictionary<string, int> words)
    {
        var list = Raw(key);
        if (list is null) return 0;
        int flags = 0;
        foreach (var item in list)
        {
            if (item is not StringItem s) throw ErrorAt(item, "all elements of list must be strings");
            if (!words.TryGetValue(s.Value, out int v)) throw ErrorAt(item, $"option \"{s.Value}\" not known");
            flags |= v;
        }
        return flags;
    }
}
