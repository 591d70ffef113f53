namespace Secnet.Log;

/// <summary>The words a logfile's <c>class</c> list accepts (runtime.md §4.1), groups included.</summary>
public static class LogClassWords
{
    private static readonly Dictionary<string, LogClass> Words = new(StringComparer.Ordinal)
    {
        ["debug-config"] = LogClass.DebugConfig,
        ["debug-phase"] = LogClass.DebugPhase,
        ["debug"] = LogClass.Debug,
        ["all-debug"] = LogClass.AllDebug,
        ["info"] = LogClass.Info,
        ["notice"] = LogClass.Notice,
        ["warning"] = LogClass.Warning,
        ["error"] = LogClass.Error,
        ["security"] = LogClass.Security,
        ["fatal"] = LogClass.Fatal,
        ["default"] = LogClass.Default,
        ["verbose"] = LogClass.Verbose,
        ["quiet"] = LogClass.Quiet,
    };

    public static bool TryParse(string word, out LogClass classes) => Words.TryGetValue(word, out classes);

    /// <summary>ORs the words together; the first unknown word is returned in <paramref name="unknown"/>.</summary>
    public static bool TryParse(IEnumerable<string> words, out LogClass classes, out string? unknown)
    {
        classes = LogClass.None;
        foreach (var word in words)
        {
            if (!TryParse(word, out var one))
            {
                unknown = word;
                return false;
            }
            classes |= one;
        }
        unknown = null;
        return true;
    }
}
