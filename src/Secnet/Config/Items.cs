namespace Secnet.Config;

/// <summary>
/// One value in the configuration. An evaluated value is always a list of items (config.md §2.3).
/// <see cref="Location"/> is null for closures and predefined booleans, as in 0.6.7, so messages
/// "at the item" about them carry no location.
/// </summary>
public abstract class Item
{
    protected Item(Location? location) => Location = location;

    public Location? Location { get; }

    /// <summary>Type name used in messages: "boolean", "string", "number", "dictionary", "closure".</summary>
    public abstract string TypeName { get; }
}

public sealed class StringItem(string value, Location? location) : Item(location)
{
    /// <summary>The string's bytes decoded as UTF-8 (invalid sequences as Latin-1, see the lexer).</summary>
    public string Value { get; } = value;
    public override string TypeName => "string";
}

public sealed class NumberItem(uint value, Location? location) : Item(location)
{
    public uint Value { get; } = value;
    public override string TypeName => "number";
}

public sealed class BoolItem(bool value, Location? location) : Item(location)
{
    public bool Value { get; } = value;
    public override string TypeName => "boolean";
}

public sealed class DictItem(ConfigDict dict, Location? location) : Item(location)
{
    public ConfigDict Dict { get; } = dict;
    public override string TypeName => "dictionary";
}

/// <summary>What invoking a closure does: gets the invocation, returns the result list.</summary>
public delegate IReadOnlyList<Item> ClosureApply(Invocation invocation);

/// <summary>
/// A closure: a module entry point (invocable) or a module's product (usually not invocable),
/// carrying the module's typed object in <see cref="Value"/> (e.g. an ITransform).
/// </summary>
public sealed class ClosureItem : Item
{
    public ClosureItem(string name, ClosureType type, object? value, ClosureApply? apply = null)
        : base(null)
    {
        Name = name;
        Type = type;
        Value = value;
        Apply = apply;
    }

    public string Name { get; }
    public ClosureType Type { get; }
    public object? Value { get; }
    public ClosureApply? Apply { get; }
    public bool IsInvocable => Apply is not null;
    public override string TypeName => "closure";
}
