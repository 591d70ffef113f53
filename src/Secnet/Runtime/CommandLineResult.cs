namespace Secnet.Runtime;

/// <summary>What parsing the command line decided: run, or exit at once with some output.</summary>
public sealed record CommandLineResult(
    CommandLine? Options,
    int? ExitCode,
    string StdoutText,
    string StderrText,
    IReadOnlyList<string> Warnings)
{
    /// <summary>True when the program should exit with <see cref="ExitCode"/> after printing.</summary>
    public bool ShouldExit => ExitCode.HasValue;
}
