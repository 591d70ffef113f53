using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Secnet.Log;
using Secnet.Runtime.Native;

namespace Secnet.Runtime;

/// <summary>
/// Background and -m: stdout and stderr (ours and every child's) become a pipe whose lines are
/// logged at info as "stderr: LINE" (runtime.md §3); stdin becomes /dev/null. Log sinks that print
/// to the terminal keep the original streams through <see cref="LogOutput"/>.
/// </summary>
public static class StdioCapture
{
    public static unsafe void Redirect(ILog log)
    {
        LogOutput.Stdout = WriterFor(Libc.dup(1));
        LogOutput.Stderr = WriterFor(Libc.dup(2));

        var fds = stackalloc int[2];
        if (Libc.pipe2(fds, Libc.O_CLOEXEC) != 0)
            throw SecnetFatalException.WithErrno("pipe for stdout/stderr", Marshal.GetLastPInvokeError());
        var devNull = Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (devNull < 0)
            throw SecnetFatalException.WithErrno("/dev/null", Marshal.GetLastPInvokeError());
        if (Libc.dup2(devNull, 0) < 0 || Libc.dup2(fds[1], 1) < 0 || Libc.dup2(fds[1], 2) < 0)
            throw SecnetFatalException.WithErrno("dup2", Marshal.GetLastPInvokeError());
        Libc.close(devNull);
        Libc.close(fds[1]);

        var readFd = fds[0];
        var reader = new Thread(() => Pump(readFd, log)) { IsBackground = true, Name = "stdio-to-log" };
        reader.Start();
    }

    private static TextWriter WriterFor(int fd)
    {
        if (fd < 0)
            return TextWriter.Null;
        Libc.fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
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
