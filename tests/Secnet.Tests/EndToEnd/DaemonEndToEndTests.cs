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

    private void Scenario(string script, params string[] args)
    {
        Assert.True(Environment.UserName == "root", "end-to-end tests need root (network namespaces, TUN)");
        string repo = TestSupport.RepoPaths.Root;
        string secnet = Path.Combine(repo, "out", "secnet");
        Assert.True(File.Exists(secnet), $"{secnet} missing: ./test publishes it before running tests");
        if (args.Contains("real"))
            Assert.True(File.Exists("/usr/sbin/secnet"), "Debian's secnet is missing: apt-get install secnet");

        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(repo, "tests", "e2e", script));
        foreach (var a in args) psi.ArgumentList.Add(a);
        // At most 8 characters: interface names (prefix + "-alpha") must fit in 15 bytes.
        psi.Environment["VPN_PREFIX"] = $"d{Environment.ProcessId % 1000}{Interlocked.Increment(ref s_counter) % 100}";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{script} timed out:\n{stdout}");
        }
        output.WriteLine(stdout);
        output.WriteLine(stderr.Result);
        Assert.True(p.ExitCode == 0, $"{script} {string.Join(' ', args)} failed:\n{stdout}\n{stderr.Result}");
    }

    private static int s_counter;
}
