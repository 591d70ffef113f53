using Secnet.Config;
using Secnet.Modules;

namespace Secnet.Tests.Config;

/// <summary>
/// Runs the loader and the post-parse checker the way <c>secnet -j -c FILE</c> does and reports the
/// exit status and the printed lines (without timestamps).
/// </summary>
internal sealed record ConfigRun(int Exit, IReadOnlyList<string> Lines, ConfigDict? Root)
{
    public static ConfigRun CheckFile(string path, ModuleRegistry registry) =>
        Run(registry, ctx => ConfigLoader.Load(path, registry, ctx));

    public static ConfigRun CheckText(string text, ModuleRegistry registry, string name = "test.conf") =>
        Run(registry, ctx => ConfigLoader.LoadBytes(name, System.Text.Encoding.UTF8.GetBytes(text), registry, ctx));

    /// <summary>Only reads the configuration (no system checks).</summary>
    public static ConfigRun LoadText(string text, ModuleRegistry registry, string name = "test.conf") =>
        Run(registry, ctx => ConfigLoader.LoadBytes(name, System.Text.Encoding.UTF8.GetBytes(text), registry, ctx), check: false);

    private static ConfigRun Run(ModuleRegistry registry, Func<ModuleContext, ConfigDict> load, bool check = true)
    {
        var log = new CapturingLog();
        var ctx = new ModuleContext(log, justCheck: true);
        ConfigDict? root = null;
        try
        {
            root = load(ctx);
            if (check) ConfigChecker.Check(root, ctx);
            return new ConfigRun(0, log.Lines, root);
        }
        catch (Exception e) when (ConfigFailure.TryDescribe(e, out var lines, out int exit))
        {
            log.Lines.AddRange(lines);
            return new ConfigRun(exit, log.Lines, root);
        }
    }

    /// <summary>The corpus's "first_line": OK on success, else the first line that is not routine.</summary>
    public string FirstLine
    {
        get
        {
            if (Exit == 0) return "OK";
            foreach (var l in Lines)
            {
                if (l.Length == 0 || l == "configuration file check complete" || l.Contains("configuration key \"sites\" is missing", StringComparison.Ordinal))
                    continue;
                return l;
            }
            return "(no output)";
        }
    }
}
