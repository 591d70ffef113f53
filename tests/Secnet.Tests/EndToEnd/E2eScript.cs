using System.Diagnostics;
using Xunit.Abstractions;

namespace Secnet.Tests.EndToEnd;

/// <summary>
/// Runs one of the bash scenarios under tests/ (they do the asserting and exit non-zero on a
/// failure) with the checks every scenario needs first: root, our published build, and Debian's
/// secnet when a "real" side is asked for.
/// </summary>
internal static class E2eScript
{
    private static int s_counter;

    /// <summary>A namespace and interface prefix unique to this test process and call. At most 7
    /// characters with a 3-character lead: interface names (prefix + "-charlie", the longest
    /// side name of the scenarios) must fit in 15 bytes.</summary>
    public static string NewPrefix(string lead) =>
        $"{lead}{Environment.ProcessId % 100}{Interlocked.Increment(ref s_counter) % 100}";

    public static void RequirePrerequisites(IEnumerable<string> args)
    {
        Assert.True(Environment.UserName == "root", "end-to-end tests need root (network namespaces, TUN)");
        string secnet = Path.Combine(TestSupport.RepoPaths.Root, "out", "secnet");
        Assert.True(File.Exists(secnet), $"{secnet} missing: ./test publishes it before running tests");
        if (args.Contains("real"))
            Assert.True(File.Exists("/usr/sbin/secnet"), "Debian's secnet is missing: apt-get install secnet");
    }

    /// <summary>Runs tests/RELATIVE (or an absolute path) with the arguments and environment; returns its exit code and
    /// its stdout followed by its stderr (also written to the test's output).</summary>
    public static (int Code, string Output) Run(string relative, IEnumerable<string> args,
        IReadOnlyDictionary<string, string> environment, ITestOutputHelper output, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(TestSupport.RepoPaths.Root, "tests", relative));
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{relative} timed out:\n{stdout}");
        }
        string all = stdout + stderr.Result;
        output.WriteLine(all);
        return (p.ExitCode, all);
    }
}
