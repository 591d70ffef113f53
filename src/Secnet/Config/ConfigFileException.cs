namespace Secnet.Config;

/// <summary>
/// A fatal error while reading the configuration that is not a module's "config error": lexer and
/// parser errors, include failures, duplicate keys, unreadable files (exit 1 or 2), and the setup
/// checks of <see cref="ConfigChecker"/> (exit 3). <see cref="Lines"/> are the lines secnet prints
/// for it, in order, without the timestamp, e.g. every <c>config file F line N: syntax error</c>
/// followed by <c>secnet fatal error: 2 errors encountered in configuration file</c>. An empty
/// string stands for the empty line 0.6.7 prints after its end-of-parse summaries.
/// </summary>
public sealed class ConfigFileException : Exception
{
    public ConfigFileException(string message, int exitCode)
        : this(new[] { message }, exitCode)
    {
    }

    public ConfigFileException(IReadOnlyList<string> lines, int exitCode)
        : base(string.Join('\n', lines))
    {
        Lines = lines;
        ExitCode = exitCode;
    }

    public IReadOnlyList<string> Lines { get; }

    /// <summary>The exit status: secnet's phase number when the error happened (config.md §5).</summary>
    public int ExitCode { get; }

    /// <summary>A <c>secnet fatal error: TEXT</c> error.</summary>
    public static ConfigFileException Fatal(string text, int exitCode) =>
        new($"secnet fatal error: {text}", exitCode);
}
