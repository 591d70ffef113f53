using Xunit.Abstractions;

namespace Secnet.Tests.EndToEnd;

/// <summary>
/// secnet-ctl against a running daemon (tests/e2e/control.sh): our secnet in alpha, ours or
/// Debian's 0.6.7 in bravo. status (text, JSON), metrics (socket and HTTP, parsed by
/// python3-prometheus-client), rekey, the error exit statuses, a non-root user refused by the
/// socket, and the socket removed at shutdown.
/// </summary>
[Collection("EndToEnd")]
public sealed class ControlEndToEndTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("ours")]
    [InlineData("real")]
    public void ControlSocketAnswersForARunningTunnel(string peer)
    {
        string[] args = [peer];
        E2eScript.RequirePrerequisites(args);
        var environment = new Dictionary<string, string> { ["VPN_PREFIX"] = E2eScript.NewPrefix("ctl") };
        var (code, stdout) = E2eScript.Run(Path.Combine("e2e", "control.sh"), args, environment, output);
        Assert.True(code == 0, $"control.sh {peer} failed:\n{stdout}");
    }
}
