using Secnet.Modules;

namespace Secnet.Config;

/// <summary>
/// Evaluates a parsed configuration eagerly and in file order (config.md §2.4-2.9): every
/// right-hand side, including closure invocations, is fully evaluated before its key is added, so
/// definitions cannot refer to later ones and modules do their configuration work right then.
/// </summary>
internal sealed class Evaluator(ModuleContext modules)
{
    private const string Facility = "conffile";

    public void EvaluateInto(ConfigDict dict, IReadOnlyList<Assignment> assignments)
    {
        foreach (var a in assignments)
        {
            var value = EvaluateList(a.Value, dict);
            if (!dict.TryAdd(a.Key, value, a.KeyLocation))
                throw ConfigFileException.Fatal($"duplicate key \"{a.Key}\" in dictionary (at {a.KeyLocation})", 2);
        }
    }

    private List<Item> EvaluateList(IReadOnlyList<SyntaxNode> nodes, ConfigDict context)
    {
        var result = new List<Item>(nodes.Count);
        foreach (var n in nodes) EvaluateItem(n, context, result);
        return result;
    }

    /// <summary>Appends what one list element contributes: lists flatten (§2.6).</summary>
    private void EvaluateItem(SyntaxNode node, ConfigDict context, List<Item> into)
    {
        switch (node)
        {
            case StringNode s:
                into.Add(new StringItem(s.Value, s.Location));
                break;
            case NumberNode n:
                into.Add(new NumberItem(n.Value, n.Location));
                break;
            case PathNode p:
                into.AddRange(Resolve(p, context));
                break;
            case DictNode d:
                var dict = new ConfigDict(context);
                EvaluateInto(dict, d.Assignments);
                into.Add(new DictItem(dict, d.Location));
                break;
            case InvocationNode i:
                into.AddRange(Invoke(i, context));
                break;
            default:
                throw new InvalidOperationException($"unknown syntax node {node.GetType().Name}");
        }
    }

    /// <summary>Path lookup (§2.5): parent chain for the first element only, first items navigated.</summary>
    private static IReadOnlyList<Item> Resolve(PathNode path, ConfigDict context)
    {
        var elements = path.Elements;
        var first = elements[0];
        var entry = path.Absolute ? context.Root.FindLocal(first.Key) : context.Find(first.Key);
        if (entry is null) throw new ConfigException(Facility, first.Location, $"can't find key {first.Key}");
        for (int i = 1; i < elements.Count; i++)
        {
            var previous = elements[i - 1];
            if (entry.Value[0] is not DictItem d)
                throw new ConfigException(Facility, previous.Location, $"path element \"{previous.Key}\" is not a dictionary");
            var element = elements[i];
            entry = d.Dict.FindLocal(element.Key)
                ?? throw new ConfigException(Facility, element.Location, $"can't find key {element.Key}");
        }
        return entry.Value;
    }

    /// <summary>
    /// The callee is checked before its arguments are evaluated. An empty callee list crashes
    /// 0.6.7; it is simply not a closure.
    /// </summary>
    private IReadOnlyList<Item> Invoke(InvocationNode node, ConfigDict context)
    {
        var callee = new List<Item>(1);
        EvaluateItem(node.Callee, context, callee);
        if (callee.Count == 0 || callee[0] is not ClosureItem closure)
            throw new ConfigException(Facility, node.Location, "only closures can be invoked");
        if (closure.Apply is null)
            throw new ConfigException(Facility, node.Location, "this closure cannot be invoked");
        var args = EvaluateList(node.Arguments, context);
        return closure.Apply(new Invocation(node.Location, context, args, modules));
    }
}
