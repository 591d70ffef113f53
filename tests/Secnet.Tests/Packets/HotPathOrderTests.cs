using System.Reflection;
using System.Text.RegularExpressions;
using Secnet.Packets;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Packets;

/// <summary>
/// src/Secnet/hot-path.order tells Native AOT which methods to place together (IlcOrderFile); the
/// linker skips a name it does not know without a word, so a renamed or removed packet-path
/// method would silently fall out of the layout that keeps a cold packet's code on a few pages
/// (bench/README.md, issue 14). Every one of our methods the list names must still exist.
/// </summary>
public sealed partial class HotPathOrderTests
{
    // Native AOT's symbol for a method: "secnet_" + namespace and type (dots, nesting and generic
    // arity as '_', an instantiation in angle brackets) + "__" + method ('.' as '_', overloads
    // after the first with a "_N" suffix).
    [GeneratedRegex(@"^secnet_(?<type>[A-Za-z0-9_]+?)(?:<[^>]*>)?__(?<method>[A-Za-z0-9_]+)$")]
    private static partial Regex Symbol();

    [Fact]
    public void EveryListedMethodOfOursStillExists()
    {
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in typeof(PacketBuffer).Assembly.GetTypes())
        {
            if (type.FullName is null) continue;
            string typeName = type.FullName.Replace('.', '_').Replace('+', '_').Replace('`', '_');
            const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic |
                                     BindingFlags.Instance | BindingFlags.Static;
            foreach (var member in type.GetMembers(all))
                if (member is MethodBase method) known.Add(typeName + "__" + method.Name.Replace('.', '_'));
        }
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "src", "Secnet", "hot-path.order"));
        var ours = lines.Where(l => l.StartsWith("secnet_", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count > 50, $"only {ours.Count} of our methods listed");
        var stale = new List<string>();
        foreach (var line in ours)
        {
            var m = Symbol().Match(line);
            string type = m.Groups["type"].Value, method = m.Groups["method"].Value;
            bool found = m.Success && (known.Contains(type + "__" + method) ||
                                       known.Contains(type + "__" + Regex.Replace(method, @"_\d+$", "")));
            if (!found) stale.Add(line);
        }
        Assert.True(stale.Count == 0,
            "hot-path.order names methods that no longer exist; run bench/hot-order again: " + string.Join(", ", stale));
    }
}
