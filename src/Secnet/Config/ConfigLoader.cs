using Secnet.Modules;

namespace Secnet.Config;

/// <summary>
/// Reads, parses and evaluates a configuration file (config.md §1-2). Relative paths in
/// <c>include</c> and <c>readfile</c> are relative to the process's working directory, as in 0.6.7.
/// Throws <see cref="ConfigFileException"/> (exit 1/2: lexer, parser, include, duplicate key,
/// unreadable file) or <see cref="ConfigException"/> (exit 8: a "config error").
/// </summary>
public static class ConfigLoader
{
    /// <summary>Loads <paramref name="path"/> ("-" = standard input) and returns the root dictionary.</summary>
    public static ConfigDict Load(string path, ModuleRegistry registry, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        return LoadBytes(path, ReadMainFile(path), registry, context);
    }

    /// <summary>Evaluates configuration text already in memory, named <paramref name="fileName"/> in messages.</summary>
    public static ConfigDict LoadBytes(string fileName, byte[] content, ModuleRegistry registry, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(context);
        // The whole file is parsed before anything runs: a syntax error anywhere wins (§2.4).
        var assignments = Parser.Parse(fileName, content);
        var root = CreateRoot(registry);
        new Evaluator(context).EvaluateInto(root, assignments);
        return root;
    }

    /// <summary>As <see cref="Load"/>, into <paramref name="root"/> (from <see cref="CreateRoot"/>):
    /// when evaluation fails part way the caller still holds what the keys before the error made
    /// (a reload closes the files they opened).</summary>
    public static void LoadInto(string path, ConfigDict root, ModuleContext context)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(context);
        var assignments = Parser.Parse(path, ReadMainFile(path));
        new Evaluator(context).EvaluateInto(root, assignments);
    }

    /// <summary>The root dictionary pre-populated with every predefined key (§3).</summary>
    public static ConfigDict CreateRoot(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var root = new ConfigDict(null);
        foreach (var (name, item) in registry.Entries) root.TryAdd(name, new[] { item }, null);
        return root;
    }

    private static byte[] ReadMainFile(string path)
    {
        try
        {
            if (path == "-")
            {
                using var stdin = Console.OpenStandardInput();
                using var buffer = new MemoryStream();
                stdin.CopyTo(buffer);
                return buffer.ToArray();
            }
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            // A directory opens but cannot be read, as 0.6.7 reports it (.NET refuses at open).
            if (Directory.Exists(path))
                throw ConfigFileException.Fatal($"Error reading configuration file ({path}): Is a directory", 2);
            throw ConfigFileException.Fatal($"Cannot open configuration file \"{path}\": {SystemErrorText.Describe(e)}", 2);
        }
    }
}
