namespace Secnet.Config;

/// <summary>The parsed, not yet evaluated, configuration (config.md §2.1).</summary>
internal abstract class SyntaxNode(Location location)
{
    /// <summary>Where 0.6.7 locates the node: its token, or the closing bracket of a dict/invocation.</summary>
    public Location Location { get; } = location;
}

internal sealed class StringNode(string value, Location location) : SyntaxNode(location)
{
    public string Value { get; } = value;
}

internal sealed class NumberNode(uint value, Location location) : SyntaxNode(location)
{
    public uint Value { get; } = value;
}

/// <summary>One element of a path, with the location of its key for "can't find key" messages.</summary>
internal readonly record struct PathElement(string Key, Location Location);

internal sealed class PathNode(bool absolute, IReadOnlyList<PathElement> elements)
    : SyntaxNode(elements[0].Location)
{
    public bool Absolute { get; } = absolute;
    public IReadOnlyList<PathElement> Elements { get; } = elements;
}

/// <summary>A dictionary literal; its <c>&lt;search path&gt;</c> is parsed and dropped, as 0.6.7 ignores it.</summary>
internal sealed class DictNode(IReadOnlyList<Assignment> assignments, Location closingBrace) : SyntaxNode(closingBrace)
{
    public IReadOnlyList<Assignment> Assignments { get; } = assignments;
}

/// <summary><c>callee(args)</c> or <c>callee { dict }</c>, located at the closing bracket.</summary>
internal sealed class InvocationNode(SyntaxNode callee, IReadOnlyList<SyntaxNode> arguments, Location closing)
    : SyntaxNode(closing)
{
    public SyntaxNode Callee { get; } = callee;
    public IReadOnlyList<SyntaxNode> Arguments { get; } = arguments;
}

/// <summary><c>KEY [=] list ;</c>, located at its key.</summary>
internal sealed class Assignment(string key, Location keyLocation, IReadOnlyList<SyntaxNode> value)
{
    public string Key { get; } = key;
    public Location KeyLocation { get; } = keyLocation;
    public IReadOnlyList<SyntaxNode> Value { get; } = value;
}
