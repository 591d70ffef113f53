using System.Text;

namespace Secnet.Runtime;

/// <summary>Entry point: the command line, then backgrounding or one run of secnet.</summary>
internal static class SecnetMain
{
    public static int Run(string[] args)
    {
        try
        {
            return RunUnguarded(args);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Users never get a .NET stack trace: anything that escaped the phase handling is a
            // bug of ours, reported as secnet reports fatal errors (the trace only with -d).
            Console.Error.Write(Log.LogText.Timestamp(DateTime.Now)
                + $"secnet fatal error: internal error: {e.GetType().Name}: {e.Message}\n");
            if (Array.Exists(args, a => a is "-d" or "--debug"))
                Console.Error.WriteLine(e);
            return 1;
        }
    }

    private static int RunUnguarded(string[] args)
    {
        var parsed = CommandLineParser.Parse(args, ProgramName());
        if (parsed.ShouldExit)
        {
            foreach (var message in parsed.Warnings)
                Console.Error.Write(Log.LogText.Timestamp(DateTime.Now) + message + "\n");
            Console.Out.Write(parsed.StdoutText);
            Console.Error.Write(parsed.StderrText);
            return parsed.ExitCode!.Value;
        }
        var options = parsed.Options!;
        if (Interop.NativeLibraries.FindMissing() is { } missing)
        {
            foreach (var line in missing.Split('\n'))
                Console.Error.Write(Log.LogText.Timestamp(DateTime.Now) + $"secnet fatal error: {line}\n");
            return 1;
        }
        var report = DaemonReport.FromEnvironment();
        if (report is null && options.Background && !options.JustCheck)
            return DaemonLauncher.Launch(args);
        return new SecnetProcess(options, report).Run(parsed.Warnings);
    }

    /// <summary>argv[0] as typed, which getopt puts in its messages ("dotnet" hosting aside).</summary>
    private static string ProgramName()
    {
        try
        {
            var cmdline = File.ReadAllBytes("/proc/self/cmdline");
            var end = Array.IndexOf(cmdline, (byte)0);
            var argv0 = Encoding.UTF8.GetString(cmdline, 0, end < 0 ? cmdline.Length : end);
            if (argv0.Length > 0 && Path.GetFileNameWithoutExtension(argv0) != "dotnet")
                return argv0;
        }
        catch (IOException)
        {
            // No procfs: fall through to the plain name.
        }
        return "secnet";
    }
}
