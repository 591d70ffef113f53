using System.Diagnostics;
using System.Globalization;
using System.Text;
using Secnet.Interop;

namespace Secnet.Runtime;

/// <summary>
/// Backgrounding without fork: a .NET process cannot fork safely (other threads' locks would be
/// copied mid-use), so the invoking process starts a second copy of secnet with the same arguments
/// and an inherited pipe (<see cref="DaemonReport"/>). The copy does all the work and calls setsid
/// at DAEMONIZE. The launcher exits 0 only once the copy reports "up"; otherwise it relays the
/// copy's error text and exit code. (0.6.7's parent exits 0 at once, even if start-up then fails.)
/// </summary>
public static class DaemonLauncher
{
    public static int Launch(IReadOnlyList<string> args)
    {
        var (readFd, writeFd) = CreateReportPipe();
        Process child;
        try
        {
            child = Process.Start(BuildStartInfo(args, writeFd))
                ?? throw new SecnetFatalException(Phase.Daemonize, "cannot start background process");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SecnetFatalException(Phase.Daemonize, $"cannot start background process: {e.Message}");
        }
        finally
        {
            Libc.Close(writeFd);
        }

        var report = ReadAll(readFd);
        Libc.Close(readFd);
        if (report.StartsWith("up\n", StringComparison.Ordinal))
            return 0;
        child.WaitForExit();
        foreach (var line in report.Split('\n'))
        {
            if (line.StartsWith("fatal ", StringComparison.Ordinal))
                Console.Error.WriteLine(line["fatal ".Length..]);
        }
        return child.ExitCode;
    }

    private static ProcessStartInfo BuildStartInfo(IReadOnlyList<string> args, int writeFd)
    {
        var exe = Environment.ProcessPath ?? throw new SecnetFatalException(Phase.Daemonize, "cannot find own executable");
        var info = new ProcessStartInfo(exe) { UseShellExecute = false };
        if (SelfCommand.HostedAssemblyArgument(exe) is { } assembly)
            info.ArgumentList.Add(assembly);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment[DaemonReport.FdVariable] = writeFd.ToString(CultureInfo.InvariantCulture);
        return info;
    }

    private static unsafe (int Read, int Write) CreateReportPipe()
    {
        var fds = stackalloc int[2];
        // No O_CLOEXEC: the write end must survive exec into the copy; the read end is ours only.
        if (Libc.Pipe2(fds, 0) != 0)
            throw SecnetFatalException.WithErrno("pipe", Errno.Last);
        Libc.Fcntl(fds[0], Libc.F_SETFD, Libc.FD_CLOEXEC);
        return (fds[0], fds[1]);
    }

    private static unsafe string ReadAll(int fd)
    {
        var text = new StringBuilder();
        var buffer = stackalloc byte[512];
        while (true)
        {
            var n = Libc.Read(fd, buffer, 512);
            if (n < 0 && Errno.Last == Errno.EINTR)
                continue;
            if (n <= 0)
                return text.ToString();
            text.Append(Encoding.UTF8.GetString(buffer, (int)n));
            if (text.ToString().StartsWith("up\n", StringComparison.Ordinal))
                return text.ToString();
        }
    }
}
