using Secnet.Config;
using Secnet.Modules;

namespace Secnet.Tests.Config;

/// <summary>
/// The real registry plus a few closures that exist only in tests (names no module uses), so the
/// language can be tested without depending on other modules.
/// </summary>
internal sealed class TestRegistry
{
    public ModuleRegistry Registry { get; } = ModuleRegistry.CreateDefault();

    /// <summary>Every invocation of <c>probe</c>, which returns its arguments.</summary>
    public List<Invocation> Probes { get; } = new();

    public TestRegistry()
    {
        Registry.Register("probe", inv =>
        {
            Probes.Add(inv);
            return inv.Args;
        });
        Registry.Register("test-log", _ => new Item[] { new ClosureItem("test-log", ClosureType.Log, new CapturingLog()) });
        Registry.Register("test-site", _ => new Item[] { new ClosureItem("test-site", ClosureType.Site, new object()) });
        Registry.Add("test-hash", new ClosureItem("test-hash", ClosureType.Hash, new object()));
    }

    public ConfigRun Load(string text) => ConfigRun.LoadText(text, Registry);

    public ConfigRun Check(string text) => ConfigRun.CheckText(text, Registry);

    /// <summary>Loads text that must be valid and returns the root dictionary.</summary>
    public ConfigDict Root(string text)
    {
        var run = Load(text);
        Assert.True(run.Exit == 0, string.Join('\n', run.Lines));
        return run.Root!;
    }

    public static IReadOnlyList<Item> Value(ConfigDict dict, string path)
    {
        var parts = path.Split('/');
        var d = dict;
        for (int i = 0; i < parts.Length - 1; i++) d = ((DictItem)d.FindLocal(parts[i])!.Value[0]).Dict;
        return d.FindLocal(parts[^1])?.Value ?? throw new KeyNotFoundException(path);
    }

    public static uint Number(ConfigDict dict, string path) => ((NumberItem)Value(dict, path)[0]).Value;

    public static string String(ConfigDict dict, string path) => ((StringItem)Value(dict, path)[0]).Value;
}
