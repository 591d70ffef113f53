using Secnet.Modules;

namespace Secnet.Config;

/// <summary>
/// One call of a closure: where it was written, the dictionary it was written in (the context for
/// lookups such as rsa-private's <c>hash</c>), the flattened argument list, and the shared module
/// context (services such as the log, the scheduler, phase hooks, check-only mode).
/// </summary>
public sealed class Invocation(Location location, ConfigDict context, IReadOnlyList<Item> args, ModuleContext modules)
{
    public Location Location { get; } = location;
    public ConfigDict Context { get; } = context;
    public IReadOnlyList<Item> Args { get; } = args;
    public ModuleContext Modules { get; } = modules;

    /// <summary>Argument <paramref name="index"/> (0-based) or null if absent.</summary>
    public Item? Arg(int index) => index < Args.Count ? Args[index] : null;

    /// <summary>A config error located at this invocation.</summary>
    public ConfigException Error(string facility, string text) => new(facility, Location, text);

    /// <summary>
    /// The dict-argument convention (config.md §2.9): the first argument must be a dictionary,
    /// else <paramref name="notDictText"/>; returns a reader over it located at this invocation.
    /// </summary>
    public ArgReader DictArgument(string facility, string notDictText = "first argument must be a dictionary")
    {
        if (Arg(0) is not DictItem d) throw Error(facility, notDictText);
        return new ArgReader(facility, Location, d.Dict);
    }

    /// <summary>Positional string argument; throws with the given texts when missing or not a string.</summary>
    public string StringArg(string facility, int index, string missingText, string notStringText)
    {
        var a = Arg(index);
        if (a is null) throw Error(facility, missingText);
        if (a is not StringItem s) throw Error(facility, notStringText);
        return s.Value;
    }
}
