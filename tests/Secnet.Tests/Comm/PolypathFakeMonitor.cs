using System.Diagnostics;

namespace Secnet.Tests.Comm;

/// <summary>
/// A fake interface monitor: a shell script (written to a temporary directory) that copies every
/// line the test writes into a FIFO to its stdout. When the test closes the FIFO the script closes
/// its stdout and lingers, so secnet sees EOF from a still-running monitor.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed class PolypathFakeMonitor : IDisposable
{
    private readonly string _directory;
    private StreamWriter? _writer;

    public PolypathFakeMonitor()
    {
        _directory = Path.Combine(Path.GetTempPath(), "polypath-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        Fifo = Path.Combine(_directory, "commands");
        Run("mkfifo", Fifo);
        Script = WriteScript(_directory, "monitor",
            $"while IFS= read -r line; do printf '%s\\n' \"$line\"; done < '{Fifo}'\nexec >&-\nsleep 10\n");
    }

    public string Fifo { get; }
    public string Script { get; }

    /// <summary>Writes monitor lines (opening the FIFO blocks until the script has opened it).</summary>
    public void Send(params string[] lines)
    {
        _writer ??= new StreamWriter(new FileStream(Fifo, FileMode.Open, FileAccess.Write)) { NewLine = "\n" };
        foreach (var line in lines) _writer.WriteLine(line);
        _writer.Flush();
    }

    /// <summary>Ends the monitor's output.</summary>
    public void Close()
    {
        _writer?.Dispose();
        _writer = null;
    }

    public static string WriteScript(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(file, args);
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} failed");
    }

    public void Dispose()
    {
        try
        {
            Close();
        }
        catch (IOException)
        {
            // The script is gone already; nothing reads the FIFO.
        }
        Directory.Delete(_directory, recursive: true);
    }
}
