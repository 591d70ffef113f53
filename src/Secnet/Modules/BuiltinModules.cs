using Secnet.Config;

namespace Secnet.Modules;

/// <summary>
/// The language's own predefined keys (config.md §3, §3.1): the boolean names and the
/// <c>makelist</c>, <c>readfile</c> and <c>map</c> closures.
/// </summary>
internal static class BuiltinModules
{
    /// <summary>0.6.7's names plus the seed README's <c>on</c>/<c>off</c> (our requirements follow the README).</summary>
    private static readonly string[] TrueNames = ["yes", "Yes", "YES", "true", "True", "TRUE", "verily", "Verily", "VERILY", "on"];
    private static readonly string[] FalseNames = ["no", "No", "NO", "false", "False", "FALSE", "nowise", "Nowise", "NOWISE", "off"];

    public static void Register(ModuleRegistry r)
    {
        ArgumentNullException.ThrowIfNull(r);
        // Predefined booleans carry no location, like 0.6.7's.
        foreach (var name in TrueNames) r.Add(name, new BoolItem(true, null));
        foreach (var name in FalseNames) r.Add(name, new BoolItem(false, null));
        r.Register("makelist", MakeList);
        r.Register("readfile", ReadFile);
        r.Register("map", Map);
    }

    /// <summary>
    /// Dictionaries are replaced by their values, newest definition first as 0.6.7 stores them;
    /// everything else is kept.
    /// </summary>
    private static IReadOnlyList<Item> MakeList(Invocation inv)
    {
        var result = new List<Item>();
        foreach (var arg in inv.Args)
        {
            if (arg is not DictItem d)
            {
                result.Add(arg);
                continue;
            }
            var entries = d.Dict.EntriesNewestFirst;
            foreach (var e in entries) result.AddRange(e.Value);
        }
        return result;
    }

    private static IReadOnlyList<Item> ReadFile(Invocation inv)
    {
        const string facility = "readfile";
        var arg = inv.Arg(0) ?? throw inv.Error(facility, "you must supply a filename");
        if (arg is not StringItem name) throw inv.Error(facility, "filename must be a string");
        byte[] content;
        try
        {
            content = File.ReadAllBytes(name.Value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw ConfigFileException.Fatal(
                $"readfile ({inv.Location}): cannot open file \"{name.Value}\": {SystemErrorText.Describe(e)}", 2);
        }
        // 0.6.7 keeps the file as a C string: an embedded NUL ends it.
        int nul = Array.IndexOf(content, (byte)0);
        var text = ConfigText.Decode(nul < 0 ? content : content.AsSpan(0, nul));
        return new Item[] { new StringItem(text, inv.Location) };
    }

    private static IReadOnlyList<Item> Map(Invocation inv)
    {
        const string facility = "map";
        if (inv.Arg(0) is not ClosureItem closure)
            throw inv.Error(facility, "you must supply a closure as the first argument");
        if (closure.Apply is null) throw inv.Error(facility, "closure cannot be applied");
        var result = new List<Item>();
        for (int i = 1; i < inv.Args.Count; i++)
        {
            var one = new Invocation(inv.Location, inv.Context, new[] { inv.Args[i] }, inv.Modules);
            result.AddRange(closure.Apply(one));
        }
        return result;
    }
}
