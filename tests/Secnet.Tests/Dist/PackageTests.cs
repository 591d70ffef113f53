using System.Diagnostics;
using Xunit.Abstractions;

namespace Secnet.Tests.Dist;

/// <summary>
/// The Debian package (issue 14): tests/package/*.sh build it with dist/build-deb from ./test's
/// published out/ and do the asserting. contents.sh needs no installation; install.sh installs it
/// over Debian's secnet, removes and purges it inside a throwaway overlay of / in a private mount
/// namespace, so the Debian secnet the end-to-end tests run is never touched. Same collection as
/// the end-to-end tests, so the package builds do not take CPU from their timing.
/// </summary>
[Collection("EndToEnd")]
public sealed class PackageTests(ITestOutputHelper output)
{
    [Fact]
    public void PackageHasTheFilesFieldsManPagesAndWorkingBinaries() => Script("contents.sh");

    [Fact]
    public void InstallsOverDebiansSecnetKeepsConfigAndRemovesCleanly()
    {
        Assert.True(Environment.UserName == "root", "the install test needs root (mount namespace, overlayfs, chroot)");
        Script("install.sh");
    }

    private void Script(string script)
    {
        string repo = TestSupport.RepoPaths.Root;
        string secnet = Path.Combine(repo, "out", "secnet");
        Assert.True(File.Exists(secnet), $"{secnet} missing: ./test publishes it before running tests");

        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(repo, "tests", "package", script));
        psi.Environment["SECNET_PUBLISHED"] = Path.Combine(repo, "out");
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
        Assert.True(p.ExitCode == 0, $"{script} failed:\n{stdout}\n{stderr.Result}");
    }
}
