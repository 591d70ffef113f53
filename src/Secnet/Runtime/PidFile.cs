using System.Runtime.InteropServices;
using Secnet.Runtime.Native;

namespace Secnet.Runtime;

/// <summary>
/// The <c>system/pidfile</c>: the daemon's PID and a newline, written after daemonizing (so it
/// names the long-lived process) and removed at a clean shutdown.
/// </summary>
public sealed class PidFile
{
    public PidFile(string path) => Path = path;

    public string Path { get; }

    /// <summary>Writes the current PID; fatal "cannot open pidfile "F": strerror" on failure.</summary>
    public void Write()
    {
        var fd = Libc.openMode(Path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
            throw SecnetFatalException.WithErrno($"cannot open pidfile \"{Path}\"", Marshal.GetLastPInvokeError());
        try
        {
            var errno = FdWriter.WriteAll(fd, $"{Environment.ProcessId}\n");
            if (errno != 0)
                throw SecnetFatalException.WithErrno($"cannot write to pidfile \"{Path}\"", errno);
        }
        finally
        {
            Libc.close(fd);
        }
    }

    /// <summary>Removes the file at shutdown; a file already gone is not an error.</summary>
    public void Remove() => File.Delete(Path);

    /// <summary>Writes now and removes it when the process enters SHUTDOWN.</summary>
    public void WriteAndRemoveAtShutdown(PhaseRunner phases)
    {
        Write();
        phases.Register(Phase.Shutdown, _ => Remove());
    }
}
