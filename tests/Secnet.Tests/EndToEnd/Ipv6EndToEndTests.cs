using Xunit.Abstractions;

namespace Secnet.Tests.EndToEnd;

/// <summary>
/// Issue 19, IPv6 inside the tunnel (tests/e2e/ipv6.sh, ipv6-router.sh): ours&lt;-&gt;ours carries
/// ping -6, TCP and iperf3 -6 within 10 % of -4, and teaches the host the path MTU with "packet
/// too big"; ours&lt;-&gt;0.6.7 with the same keys keeps IPv4 and refuses IPv6 towards the 0.6.7
/// site with ICMPv6; three sites route IPv6 through the middle one. The scripts assert.
/// </summary>
[Collection("EndToEnd")]
public sealed class Ipv6EndToEndTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ours")]
    [InlineData("real")]
    public void Ipv6ThroughTheTunnel(string peer) => Scenario("ipv6.sh", peer);

    [Fact]
    public void Ipv6RoutedThroughTheMiddleSite() => Scenario("ipv6-router.sh");

    private void Scenario(string script, params string[] args)
    {
        E2eScript.RequirePrerequisites(args);
        var environment = new Dictionary<string, string> { ["VPN_PREFIX"] = E2eScript.NewPrefix("v6") };
        var (code, stdout) = E2eScript.Run(Path.Combine("e2e", script), args, environment, output);
        Assert.True(code == 0, $"{script} {string.Join(' ', args)} failed:\n{stdout}");
    }
}
