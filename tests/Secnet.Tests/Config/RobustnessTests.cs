using System.Diagnostics;
using Secnet.Config;
using Secnet.Modules;

namespace Secnet.Tests.Config;

/// <summary>Hostile or broken input always ends in a located, printable error, never a crash.</summary>
public sealed class RobustnessTests
{
    private readonly TestRegistry _t = new();

    private const string Valid = "system { log test-log(); };\n# comment\nl makelist({ a \"x\"; }, 1, 2);\nd { e = l; f { g /l, e; }; };\nm map(probe, 1, 2);\n";

    private ConfigRun LoadBytes(byte[] bytes) => Run(() => ConfigLoader.LoadBytes("junk.conf", bytes, _t.Registry, new ModuleContext(new CapturingLog(), true)));

    private static ConfigRun Run(Func<ConfigDict> load)
    {
        try
        {
            return new ConfigRun(0, [], load());
        }
        catch (Exception e) when (ConfigFailure.TryDescribe(e, out var lines, out int exit))
        {
            return new ConfigRun(exit, lines, null);
        }
    }

    private static void AssertCleanOutcome(ConfigRun run)
    {
        if (run.Exit == 0) return;
        Assert.Contains(run.Exit, new[] { 1, 2, 8 });
        Assert.NotEmpty(run.Lines);
        Assert.Matches("^(config file junk\\.conf line \\d+: |config error \\(conffile, junk\\.conf:\\d+\\): |secnet fatal error: |config error \\((map|readfile)[,)])", run.Lines[0]);
    }

    [Fact]
    public void EveryTruncationOfAValidFileFailsCleanly()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Valid);
        for (int n = 0; n < bytes.Length; n++) AssertCleanOutcome(LoadBytes(bytes[..n]));
        Assert.Equal(0, LoadBytes(bytes).Exit);
    }

    [Fact]
    public void BinaryJunkFailsCleanly()
    {
        var random = new Random(20240917);
        for (int i = 0; i < 500; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            AssertCleanOutcome(LoadBytes(junk));
        }
    }

    [Fact]
    public void ShuffledTokensFailCleanly()
    {
        var random = new Random(7);
        string[] tokens = ["a", "b", "=", ";", ",", "{", "}", "(", ")", "<", ">", "/", "1", "\"s\"", "probe", "makelist", "map", "yes", "\n", "#c\n"];
        for (int i = 0; i < 2000; i++)
        {
            var text = string.Join(' ', Enumerable.Range(0, random.Next(1, 40)).Select(_ => tokens[random.Next(tokens.Length)]));
            AssertCleanOutcome(LoadBytes(System.Text.Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void UnreadableFilesGiveACleanError()
    {
        var dir = Directory.CreateTempSubdirectory("secnet-config-unreadable-").FullName;
        try
        {
            // root reads any file, so as root a directory stands in for the unreadable file.
            var path = dir;
            if (OperatingSystem.IsLinux() && Environment.UserName != "root")
            {
                path = Path.Combine(dir, "secret");
                File.WriteAllText(path, "a 1;\n");
                File.SetUnixFileMode(path, UnixFileMode.None);
            }
            // A directory is 0.6.7's read error ("Error reading configuration file (D): Is a directory").
            string expected = path == dir
                ? $"secnet fatal error: Error reading configuration file ({path}): Is a directory"
                : $"secnet fatal error: Cannot open configuration file \"{path}\": ";
            Assert.StartsWith(expected, ConfigRun.CheckFile(path, _t.Registry).FirstLine, StringComparison.Ordinal);
            Assert.Equal($"secnet fatal error: Can't open included file {path}", _t.Load($"include {path}\n").FirstLine);
            Assert.StartsWith($"secnet fatal error: readfile (test.conf:1): cannot open file \"{path}\": ",
                _t.Load($"r readfile(\"{path}\");\n").FirstLine, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SystemErrorsReadLikeStrerror()
    {
        Assert.Equal("No such file or directory", SystemErrorText.Describe(new FileNotFoundException()));
        Assert.Equal("No such file or directory", SystemErrorText.Describe(new DirectoryNotFoundException()));
        Assert.Equal("Permission denied", SystemErrorText.Describe(new UnauthorizedAccessException()));
        Assert.Equal("Is a directory", SystemErrorText.Describe(new IOException("x", 21)));
    }

    [Fact]
    public void TwoThousandSitesLoadQuickly()
    {
        var text = new System.Text.StringBuilder("system { log test-log(); };\nvpn { test {\n");
        text.Append("local-name \"me\"; comm \"c\"; transform \"t\";\n");
        for (int i = 0; i < 2000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"  s{i} {{ name \"s{i}\"; address \"s{i}.example.com\"; port {1000 + i}; networks \"10.{i / 256}.{i % 256}.0/24\"; key probe {{ n {i}; }}; }};\n");
        }
        text.Append("  all-sites ");
        text.AppendJoin(", ", Enumerable.Range(0, 2000).Select(i => $"s{i}"));
        text.Append(";\n}; };\nsites map(test-site, vpn/test/all-sites);\n");

        // Speed is measured by bench/config-bench against 0.6.7, not by a timed test.
        var run = ConfigRun.CheckText(text.ToString(), _t.Registry);

        Assert.Equal(0, run.Exit);
        Assert.Equal(2000, run.Root!.Find("sites")!.Value.Count);
    }
}
