using Secnet.Tests.TestSupport;
using System.Text.RegularExpressions;
using Secnet.Modules;

namespace Secnet.Tests.Config;

/// <summary>Tests that change the process working directory run alone.</summary>
[CollectionDefinition(nameof(WorkingDirectoryCollection), DisableParallelization = true)]
public sealed class WorkingDirectoryCollection;

/// <summary>
/// The configuration conformance corpus (config.md §10): every ok-/bad- file through the real
/// registry, compared with 0.6.7's exit status and first line in EXPECTED.tsv, as amended by
/// NOTES.tsv and the spec's standing improvements (locations on sysbuffer and duplicate-key errors).
/// </summary>
[Collection(nameof(WorkingDirectoryCollection))]
public sealed partial class CorpusTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(RepoPaths.Vector("config"), "*.conf").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (name.StartsWith("ok-", StringComparison.Ordinal) || name.StartsWith("bad-", StringComparison.Ordinal))
                data.Add(name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void MatchesExpectedOutcome(string file)
    {
        var expected = Expectation.For(file);
        var run = InCorpusDirectory(() => ConfigRun.CheckFile(file, ModuleRegistry.CreateDefault()));
        var detail = $"{file}: got exit {run.Exit}, output [{string.Join(" | ", run.Lines)}]";
        Assert.True(expected.Exit == run.Exit, $"expected exit {expected.Exit}; {detail}");
        Assert.True(expected.Matches(run.FirstLine), $"expected first line {expected.Description}; {detail}");
    }

    private static T InCorpusDirectory<T>(Func<T> action)
    {
        var previous = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(RepoPaths.Vector("config"));
        try
        {
            return action();
        }
        finally
        {
            Directory.SetCurrentDirectory(previous);
        }
    }

    /// <summary>What our implementation must print for one corpus file.</summary>
    private sealed partial record Expectation(int Exit, Regex FirstLine, string Description)
    {
        public bool Matches(string line) => FirstLine.IsMatch(line);

        public static Expectation For(string file)
        {
            var row = ReadTsv("EXPECTED.tsv").FirstOrDefault(r => r[0] == file)
                ?? throw new InvalidOperationException($"{file} has no row in EXPECTED.tsv");
            int exit = int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture);
            string first = row[2];
            string? note = ReadTsv("NOTES.tsv").FirstOrDefault(r => r[0] == file)?[1];
            if (note is not null && note.Contains("exit 0", StringComparison.Ordinal)) return Exact(0, "OK");
            if (note is not null && OursPrints().Match(note) is { Success: true } m)
                return Exact(exit, m.Groups[1].Value.Replace("FILE", file, StringComparison.Ordinal));
            if (note is not null && note.Contains("one clear line", StringComparison.Ordinal))
            {
                // 0.6.7 glues two messages; ours must print one proper config error about this file.
                var prefix = first[..first.IndexOf('(', StringComparison.Ordinal)];
                return new Expectation(exit, new Regex("^config error \\(rsa-private, " + Regex.Escape(file) + ":\\d+\\): \\S"),
                    $"one located rsa-private config error (0.6.7: {prefix}...)");
            }
            if (LocationlessBuffer().Match(first) is { Success: true } b)
            {
                // Ours adds the missing location to sysbuffer errors and keeps the text.
                var pattern = "^config error \\(buffer, " + Regex.Escape(file) + ":\\d+\\): " + Regex.Escape(b.Groups[1].Value) + "$";
                return new Expectation(exit, new Regex(pattern), pattern);
            }
            if (first.StartsWith("secnet fatal error: duplicate key", StringComparison.Ordinal))
                return new Expectation(exit, new Regex("^" + Regex.Escape(first)), first + " (location may follow)");
            return Exact(exit, first);
        }

        private static Expectation Exact(int exit, string line) =>
            new(exit, new Regex("^" + Regex.Escape(line) + "$"), line);

        private static IEnumerable<string[]> ReadTsv(string name) =>
            File.ReadLines(Path.Combine(RepoPaths.Vector("config"), name)).Select(l => l.Split('\t'));

        [GeneratedRegex("Ours(?: must print)?: (config error .*)$")]
        private static partial Regex OursPrints();

        [GeneratedRegex("^config error \\(buffer\\): (.*)$")]
        private static partial Regex LocationlessBuffer();
    }
}
