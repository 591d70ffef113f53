using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Secnet.Interop;
using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>
/// Background and -m: stdout and stderr (ours and every child's) become a pipe whose lines are
/// logged at info as "stderr: LINE" (runtime.md §3); stdin becomes /dev/null. Log sinks that print
/// to the terminal keep the original streams through <see cref="LogOutput"/>.
/// </summary>
public static class StdioCapture
{
    /// <param name="log">Where captured lines go.</param>
    /// <param name="keepOriginals">
    /// -m: keep the supervisor's stdout/stderr for sinks that print there. A detached daemon lets
    /// them go, so whoever started it sees end-of-file (as after secnet's fork).
    /// </param>
    public static unsafe void Redirect(ILog log, bool keepOriginals)
    {
        LogOutput.Stdout = keepOriginals ? WriterFor(Libc.Dup(1)) : TextWriter.Null;
        LogOutput.Stderr = keepOriginals ? WriterFor(Libc.Dup(2)) : TextWriter.Null;
        var originals = new[] { FdTarget(0), FdTarget(1), FdTarget(2) };

        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw SecnetFatalException.WithErrno("pipe for stdout/stderr", Errno.Last);
        var devNull = Libc.Open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (devNull < 0)
            throw SecnetFatalException.WithErrno("/dev/null", Errno.Last);
        if (Libc.Dup2(devNull, 0) < 0 || Libc.Dup2(fds[1], 1) < 0 || Libc.Dup2(fds[1], 2) < 0)
            throw SecnetFatalException.WithErrno("dup2", Errno.Last);
        if (!keepOriginals)
            RetargetHiddenCopies(originals, devNull, fds[1]);
        Libc.Close(devNull);
        Libc.Close(fds[1]);

        var readFd = fds[0];
        var reader = new Thread(() => Pump(readFd, log)) { IsBackground = true, Name = "stdio-to-log" };
        reader.Start();
    }

    /// <summary>
    /// .NET's Console keeps its own duplicates of fds 0-2, which would hold the invoker's terminal
    /// or pipes open forever (a caller reading our output would never see end-of-file). Point every
    /// such copy at /dev/null or the capture pipe; the descriptors stay valid for their owners.
    /// Regular files are left alone: a log file may well be the file stderr pointed at.
    /// </summary>
    private static void RetargetHiddenCopies(string?[] originals, int devNull, int captureWrite)
    {
        foreach (var entry in Directory.GetFiles("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var fd) || fd <= 2 || fd == devNull || fd == captureWrite)
                continue;
            var target = FdTarget(fd);
            if (target is null || (target.StartsWith('/') && !target.StartsWith("/dev/", StringComparison.Ordinal)))
                continue;
            if (target == originals[0])
                Libc.Dup2(devNull, fd);
            else if (target == originals[1] || target == originals[2])
                Libc.Dup2(captureWrite, fd);
        }
    }

    private static string? FdTarget(int fd)
    {
        try
        {
            return new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static TextWriter WriterFor(int fd)
    {
        if (fd < 0)
            return TextWriter.Null;
        Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Write, 1);
        return TextWriter.Synchronized(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
    }

    private static void Pump(int fd, ILog log)
    {
        using var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, 1);
        var line = new List<byte>();
        var overlong = false;
        var buffer = new byte[4096];
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] == (byte)'\n')
                {
                    if (!overlong)
                        log.Log(LogClass.Info, "stderr: " + Encoding.UTF8.GetString(line.ToArray()));
                    line.Clear();
                    overlong = false;
                    continue;
                }
                if (overlong)
                    continue;
                line.Add(buffer[i]);
                if (line.Count >= LogText.MaxLineBytes)
                {
                    log.Log(LogClass.Warning, "stderr: overlong line: " + Encoding.UTF8.GetString(line.ToArray()));
                    line.Clear();
                    overlong = true;
                }
            }
        }
    }
}
