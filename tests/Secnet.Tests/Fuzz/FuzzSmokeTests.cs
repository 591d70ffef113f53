using System.Diagnostics;
using System.Text.RegularExpressions;
using Secnet.Fuzz;
using Secnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Secnet.Tests.Fuzz;

/// <summary>
/// A short AFL++ run of every target (fuzz/run all 3): the instrumented build, the runner and
/// each harness must work under the real fuzzer, and a few seconds of it must find nothing.
/// The long campaign is fuzz/README.md's.
/// </summary>
public sealed partial class FuzzSmokeTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^(?<target>[a-z0-9-]+): execs (?<execs>\d+), .*crashes 0, hangs 0", RegexOptions.Multiline)]
    private static partial Regex CleanLine();

    [Fact]
    public async Task EveryTargetRunsCleanUnderAfl()
    {
        var psi = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "fuzz", "run"), "all", "3"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["FUZZ_TAG"] = "smoke";
        using var p = Process.Start(psi)!;
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdout = await p.StandardOutput.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(deadline.Token);
        var stderr = await stderrTask;
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(p.ExitCode == 0, $"fuzz/run exited {p.ExitCode}:\n{stdout}\n{stderr}");
        var clean = CleanLine().Matches(stdout).Where(m => long.Parse(m.Groups["execs"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0)
            .Select(m => m.Groups["target"].Value).Order(StringComparer.Ordinal);
        Assert.Equal(FuzzTargets.Names.Order(StringComparer.Ordinal), clean);
    }
}
