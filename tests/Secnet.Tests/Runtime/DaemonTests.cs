using System.Diagnostics;
using Secnet.Interop;

namespace Secnet.Tests.Runtime;

/// <summary>Runs the built secnet executable as a real daemon (background start, pidfile, signals).</summary>
public sealed class DaemonTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("runtime-daemon-").FullName;

    public DaemonTests()
    {
        // The privilege-drop test's daemon (as nobody) must be able to reach its files.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(_dir, (UnixFileMode)0x1ff);
    }

    public void Dispose()
    {
        var pidPath = Path.Combine(_dir, "pid");
        if (File.Exists(pidPath) && int.TryParse(File.ReadAllText(pidPath), out var pid) && IsAlive(pid))
            Libc.Kill(pid, 9);
        Directory.Delete(_dir, recursive: true);
    }

    private static string SecnetPath => Path.Combine(AppContext.BaseDirectory, "secnet");

    private string Conf(string systemBody)
    {
        var path = Path.Combine(_dir, "secnet.conf");
        File.WriteAllText(path, $"system {{ {systemBody} }};\n");
        return path;
    }

    private string LogPath => Path.Combine(_dir, "log");
    private string PidPath => Path.Combine(_dir, "pid");

    private static (int Code, string Stdout, string Stderr) RunSecnet(params string[] args)
    {
        var info = new ProcessStartInfo(SecnetPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        // The daemon keeps nothing of ours open once it is up, so both streams reach EOF.
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(20000), "secnet did not return");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.ElapsedMilliseconds < 10000, $"timed out waiting for {what}");
            Thread.Sleep(20);
        }
    }

    private int ReadPid() => int.Parse(File.ReadAllText(PidPath).TrimEnd('\n'), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void BackgroundStartWritesPidfileAndSigtermCleansUp()
    {
        var conf = Conf($"log logfile {{ filename \"{LogPath}\"; class \"verbose\"; }}; pidfile \"{PidPath}\";");
        var (code, _, stderr) = RunSecnet("-c", conf);
        Assert.Equal(0, code);
        Assert.DoesNotContain("fatal", stderr, StringComparison.Ordinal);

        var pid = ReadPid();
        Assert.Equal($"{pid}\n", File.ReadAllText(PidPath));
        Assert.True(IsAlive(pid));
        // setsid: the daemon leads its own session.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        Assert.Equal(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]);
        Assert.Matches(@"secnet 0\.6\.7-cs [0-9.]+ \[\d+\]: starting", File.ReadAllText(LogPath));

        Assert.Equal(0, Libc.Kill(pid, 15));
        WaitUntil(() => !IsAlive(pid), "daemon exit");
        Assert.False(File.Exists(PidPath));
        var log = File.ReadAllText(LogPath);
        Assert.Contains($"[{pid}]: received SIGTERM", log, StringComparison.Ordinal);
        Assert.Contains($"[{pid}]: finished", log, StringComparison.Ordinal);
    }

    [Fact]
    public void SighupReopensTheLogForRotation()
    {
        var conf = Conf($"log logfile {{ filename \"{LogPath}\"; class \"verbose\"; }}; pidfile \"{PidPath}\";");
        Assert.Equal(0, RunSecnet("-c", conf).Code);
        var pid = ReadPid();
        File.Move(LogPath, LogPath + ".1");
        Libc.Kill(pid, 1);
        WaitUntil(() => File.Exists(LogPath) && File.ReadAllText(LogPath).Contains(" received SIGHUP", StringComparison.Ordinal), "reopened log");
        // As 0.6.7 (checked in tests/e2e/daemon-signals.sh): the main notice runs before the
        // reopen, so it ends the old file; the new one starts with the logfile's own notice.
        var old = File.ReadAllText(LogPath + ".1");
        Assert.Contains("starting", old, StringComparison.Ordinal);
        Assert.Contains($"[{pid}]: received SIGHUP", old, StringComparison.Ordinal);
        Assert.Matches(@"^\w{3} [ \d]\d \d\d:\d\d:\d\d received SIGHUP\n", File.ReadAllText(LogPath));
        Libc.Kill(pid, 15);
        WaitUntil(() => !IsAlive(pid), "daemon exit");
    }

    [Fact]
    public void PidfileInMissingDirectoryFailsWithDaemonizeExitCode()
    {
        var conf = Conf($"log logfile {{ filename \"{LogPath}\"; class \"verbose\"; }}; pidfile \"{_dir}/missing/pid\";");
        var (code, _, stderr) = RunSecnet("-c", conf);
        Assert.Equal(4, code);
        Assert.Contains($"secnet fatal error: cannot open pidfile \"{_dir}/missing/pid\": No such file or directory", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void UnwritableLogFailsBeforeDetaching()
    {
        var conf = Conf($"log logfile {{ filename \"{_dir}/missing/log\"; class \"verbose\"; }};");
        var (code, _, stderr) = RunSecnet("-c", conf);
        Assert.Equal(4, code);
        Assert.Matches($@"secnet fatal error: logfile \({conf.Replace("/", "\\/", StringComparison.Ordinal)}:1\): cannot open ""{_dir}/missing/log"": No such file or directory", stderr);
    }

    [Fact]
    public void UnknownUserIsASetupError()
    {
        var conf = Conf("log logfile { class \"verbose\"; }; userid \"runtime-no-such-user\";");
        var (code, _, stderr) = RunSecnet("-c", conf);
        Assert.Equal(3, code);
        Assert.Matches(@"^\w{3} [ \d]\d \d\d:\d\d:\d\d secnet fatal error: userid ""runtime-no-such-user"" not found\n$", stderr);
    }

    [Fact]
    public void JustCheckStopsAfterSetup()
    {
        var conf = Conf($"log logfile {{ filename \"{LogPath}\"; class \"info\"; }}; pidfile \"{PidPath}\";");
        var (code, _, stderr) = RunSecnet("-j", "-c", conf);
        Assert.Equal(0, code);
        Assert.EndsWith(" configuration file check complete\n", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(LogPath));
        Assert.False(File.Exists(PidPath));
    }

    [Fact]
    public void BadOptionExitsOneWithGetoptText()
    {
        var (code, stdout, stderr) = RunSecnet("--bogus");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.EndsWith(": unrecognized option '--bogus'\n", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void PrivilegeDropAppliesToEveryThread()
    {
        if (Libc.GetEUid() != 0)
            return; // Only root can change user; the CI container runs the suite as root.
        var found = Secnet.Config.UserDatabase.Find("nobody");
        Assert.NotNull(found);
        var nobody = found.Value;
        var conf = Conf($"log logfile {{ filename \"{LogPath}\"; class \"verbose\"; }}; pidfile \"{PidPath}\"; userid \"nobody\";");
        var (code, _, stderr) = RunSecnet("-c", conf);
        Assert.True(code == 0, stderr);
        var pid = ReadPid();
        try
        {
            var tasks = Directory.GetDirectories($"/proc/{pid}/task");
            Assert.True(tasks.Length > 1, "a .NET process has several threads");
            foreach (var task in tasks)
            {
                var status = File.ReadAllLines(Path.Combine(task, "status"));
                var uid = nobody.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var gid = nobody.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture);
                Assert.Contains($"Uid:\t{uid}\t{uid}\t{uid}\t{uid}", status);
                Assert.Contains($"Gid:\t{gid}\t{gid}\t{gid}\t{gid}", status);
            }
        }
        finally
        {
            Libc.Kill(pid, 15);
            WaitUntil(() => !IsAlive(pid), "daemon exit");
        }
    }
}
