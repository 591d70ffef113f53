using Secnet.Config;
using Secnet.Modules;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The configuration lexer, parser and evaluator with every module, as <c>secnet -j</c> runs them
/// (nothing opened). Any input must load or end in the loader's own errors (a located
/// ConfigFileException or ConfigException, reported as 0.6.7 reports them, a non-zero exit status);
/// any other exception is a crash. Run in an empty directory so relative includes find nothing.
/// </summary>
internal sealed class ConfigTarget : IFuzzTarget
{
    private readonly ModuleRegistry _registry = ModuleRegistry.CreateDefault();

    public string Name => "config";

    public void Run(ReadOnlySpan<byte> input)
    {
        var context = new ModuleContext(NullLog.Instance, justCheck: true);
        try
        {
            var root = ConfigLoader.LoadBytes("fuzz.conf", input.ToArray(), _registry, context);
            ConfigChecker.Check(root, context);
        }
        catch (Exception e) when (ConfigFailure.TryDescribe(e, out var lines, out int exit))
        {
            FuzzInvariantException.Check(exit > 0, $"exit status {exit}");
            FuzzInvariantException.Check(lines.Count > 0 && lines[0].Length > 0, "an error says something");
        }
    }
}
