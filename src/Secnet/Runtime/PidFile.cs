using Secnet.Interop;

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
        var fd = Libc.Open(Path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_TRUNC | Libc.O_CLOEXEC, 0x1a4 /* 0644 */);
        if (fd < 0)
            throw SecnetFatalException.WithErrno($"cannot open pidfile \"{Path}\"", Errno.Last);
        try
        {
            var errno = FdWriter.WriteAll(fd, $"{Environment.ProcessId}\n");
            if (errno != 0)
                throw SecnetFatalException.WithErrno($"cannot write to pidfile \"{Path}\"", errno);
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>
    /// Removes the file at shutdown. Like secnet's unlink, failure is not an error: after dropping
    /// privileges the daemon may no longer be allowed to remove a file it wrote as root.
    /// </summary>
    public void Remove()
    {
        try
        {
            File.Delete(Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The stale file names a dead process; init scripts check liveness, as with secnet.
        }
    }

    /// <summary>Writes now and removes it when the process enters SHUTDOWN.</summary>
    public void WriteAndRemoveAtShutdown(PhaseRunner phases)
    {
        Write();
        phases.Register(Phase.Shutdown, _ => Remove());
    }
}
