using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Secnet.Tests.EndToEnd;

/// <summary>
/// Issue 16's lossy network and flood, each run for Debian's secnet against itself, ours against
/// itself and ours against Debian's, one after the other in the same test: each run must pass its
/// own checks (keying and rekeying through loss, TCP checksums equal, no duplicate through the
/// replay window, memory bounded under the flood), and ours must lose no more pings than 0.6.7
/// did in the same conditions, give or take what chance allows.
/// </summary>
[Collection("EndToEnd")]
public sealed partial class HostileNetworkTests(ITestOutputHelper output)
{
    /// <summary>Lossy: each ping crosses netem twice at 10 % loss, so ~19 % of 300 are lost, a
    /// standard deviation of ~7 pings per run and ~10 for the difference of two runs: a slack of
    /// 30 pings is three of those.</summary>
    [Fact]
    public void LossyReorderingDuplicatingNetworkCostsUsNoMorePingsThanDebian() =>
        Compare("lossy.sh", slack: 30);

    /// <summary>Flood: with nothing lost on the link, every ping lost is the flood's doing.</summary>
    [Fact]
    public void FloodAtARealSiteIndexCostsUsNoMorePingsThanDebian() =>
        Compare("flood.sh", slack: 10);

    private void Compare(string script, int slack)
    {
        string[][] pairs = [["real", "real"], ["ours", "ours"], ["ours", "real"]];
        var received = new Dictionary<string, int>();
        foreach (var pair in pairs)
        {
            E2eScript.RequirePrerequisites(pair);
            var environment = new Dictionary<string, string> { ["VPN_PREFIX"] = E2eScript.NewPrefix("h") };
            var (code, stdout) = E2eScript.Run(Path.Combine("e2e", script), pair, environment, output, TimeSpan.FromMinutes(4));
            string name = string.Join('-', pair);
            Assert.True(code == 0, $"{script} {name} failed:\n{stdout}");
            Match m = ResultLine().Match(stdout);
            Assert.True(m.Success, $"{script} {name} printed no RESULT line:\n{stdout}");
            received[name] = int.Parse(m.Groups["received"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        int debian = received["real-real"];
        foreach (string ours in (string[])["ours-ours", "ours-real"])
            Assert.True(received[ours] >= debian - slack,
                $"{script}: {ours} answered {received[ours]} pings, Debian's secnet {debian} (slack {slack})");
    }

    [GeneratedRegex(@"^RESULT sent=\d+ received=(?<received>\d+)", RegexOptions.Multiline)]
    private static partial Regex ResultLine();
}
