using System.Diagnostics;
using Xunit.Abstractions;

namespace Secnet.Tests.EndToEnd;

/// <summary>
/// The daemon runtime end to end (issue 6): backgrounding with a pidfile, SIGTERM and MSG7,
/// <c>userid</c>, SIGHUP log reopening, SIGUSR1 route dumps, syslog, polypath and bad input, each a
/// tests/e2e/daemon-*.sh scenario in two network namespaces. The scripts do the asserting.
/// Same collection as <see cref="EndToEndTests"/> so namespaces and CPUs are not shared.
/// </summary>
[Collection("EndToEnd")]
public sealed class DaemonEndToEndTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ours")]
    [InlineData("real")]
    public void BackgroundStartPidfileAndSigtermWithMsg7(string peer) => Scenario("daemon-background.sh", peer);

    [Fact]
    public void UseridDropsEveryThreadAndTheTunnelStillWorks() => Scenario("daemon-userid.sh", "nobody");

    [Theory]
    [InlineData("ours")]
    [InlineData("real")]
    public void SighupReopensMovedLogAndSigusr1DumpsRoutes(string impl) => Scenario("daemon-signals.sh", impl);

    [Fact]
    public void SyslogLinesReachTheListenerNamedBySecnetSyslogSocket() => Scenario("daemon-syslog.sh");

    [Theory]
    [InlineData("plain")]
    [InlineData("privsep")]
    public void PolypathUsesBothLinksAndFollowsTheMonitor(string mode) => Scenario("daemon-polypath.sh", mode);

    [Theory]
    [InlineData("plain")]
    [InlineData("privsep")]
    public void BadInputGivesClearErrorsWithoutHangs(string mode) => Scenario("daemon-badinput.sh", mode);

    /// <summary>Issue 15: a site's comm-info dedicated-interface-addr with polypath; 0.6.7 (real)
    /// and ours must use the dedicated link for that site only, beside the general one.</summary>
    [Theory]
    [InlineData("ours")]
    [InlineData("real")]
    public void CommInfoDedicatedAddressIsUsedByItsSiteOnly(string impl) => PrefixedScenario("ci", "daemon-comminfo.sh", impl);

    /// <summary>Issue 15: adns' config text names the name server that resolves the peer
    /// ("local": names none, so the server on this host is asked).</summary>
    [Theory]
    [InlineData("ours", "named")]
    [InlineData("real", "named")]
    [InlineData("ours", "local")]
    [InlineData("real", "local")]
    public void AdnsConfigNameServerResolvesThePeer(string impl, string server) => PrefixedScenario("ci", "daemon-adns.sh", impl, server);

    private void Scenario(string script, params string[] args) => PrefixedScenario("d", script, args);

    private void PrefixedScenario(string prefix, string script, params string[] args)
    {
        E2eScript.RequirePrerequisites(args);
        var environment = new Dictionary<string, string> { ["VPN_PREFIX"] = E2eScript.NewPrefix(prefix) };
        var (code, stdout) = E2eScript.Run(Path.Combine("e2e", script), args, environment, output);
        Assert.True(code == 0, $"{script} {string.Join(' ', args)} failed:\n{stdout}");
    }
}
