using Secnet.Config;

namespace Secnet.Modules;

/// <summary>
/// The closure registry: every predefined root key (closures and booleans) by name, like secnet's
/// module init functions adding to the root dictionary. The evaluator pre-populates the root
/// dictionary from it before reading the file.
/// </summary>
public sealed class ModuleRegistry
{
    private readonly List<KeyValuePair<string, Item>> _entries = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, Item>> Entries => _entries;

    /// <summary>Registers an invocable closure returning a list.</summary>
    public void Register(string name, ClosureApply apply) =>
        Add(name, new ClosureItem(name, ClosureType.Pure, null, apply));

    /// <summary>Registers a predefined value (a non-invocable closure such as <c>sha1</c>, or a boolean).</summary>
    public void Add(string name, Item value)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"closure {name} registered twice");
        _entries.Add(new(name, value));
    }

    public bool Contains(string name) => _names.Contains(name);

    /// <summary>A registry with every module of this secnet (see <see cref="AllModules"/>).</summary>
    public static ModuleRegistry CreateDefault()
    {
        var r = new ModuleRegistry();
        AllModules.Register(r);
        return r;
    }
}
