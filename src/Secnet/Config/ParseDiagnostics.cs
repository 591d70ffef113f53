namespace Secnet.Config;

/// <summary>
/// What the lexer and parser have printed so far and how many errors they counted (bison's
/// yynerrs): a later fatal error must still show the earlier lines first.
/// </summary>
internal sealed class ParseDiagnostics
{
    public List<string> Lines { get; } = new();

    public int ErrorCount { get; private set; }

    public void CountedError(Location at, string text)
    {
        Lines.Add($"config file {at.File} line {at.Line}: {text}");
        ErrorCount++;
    }

    /// <summary>An error that stops reading at once: everything printed so far, then this line.</summary>
    public ConfigFileException Fatal(string line, int exitCode, bool blankLineAfter = false)
    {
        var lines = new List<string>(Lines) { line };
        if (blankLineAfter) lines.Add(string.Empty);
        return new ConfigFileException(lines, exitCode);
    }
}
