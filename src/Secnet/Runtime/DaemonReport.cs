using System.Globalization;
using Secnet.Interop;

namespace Secnet.Runtime;

/// <summary>
/// The daemon child's end of the start-up pipe to the process that launched it (see
/// <see cref="DaemonLauncher"/>): one line "up" once resources are held and privileges dropped, or
/// "fatal TEXT" lines when it fails after its stderr stopped being the caller's terminal.
/// </summary>
public sealed class DaemonReport
{
    /// <summary>Names the inherited pipe descriptor; its presence marks the background child.</summary>
    public const string FdVariable = "SECNET_DAEMON_REPORT_FD";

    private int _fd;

    private DaemonReport(int fd) => _fd = fd;

    /// <summary>True once stdio went to the log, so the launcher no longer sees our stderr.</summary>
    public bool StdioDetached { get; set; }

    /// <summary>The report pipe handed down by the launcher, or null when we are not its child.</summary>
    public static DaemonReport? FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(FdVariable);
        if (text is null || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var fd))
            return null;
        // Helpers we start later must neither inherit the pipe nor think they are the daemon.
        Environment.SetEnvironmentVariable(FdVariable, null);
        Libc.Fcntl(fd, Libc.F_SETFD, Libc.FD_CLOEXEC);
        return new DaemonReport(fd);
    }

    public void Up() => SendAndClose("up\n");

    public void Fatal(IEnumerable<string> lines)
    {
        if (_fd < 0 || !StdioDetached)
            return;
        foreach (var line in lines)
            FdWriter.WriteAll(_fd, "fatal " + line + "\n");
        Close();
    }

    private void SendAndClose(string text)
    {
        if (_fd < 0)
            return;
        FdWriter.WriteAll(_fd, text);
        Close();
    }

    private void Close()
    {
        Libc.Close(_fd);
        _fd = -1;
    }
}
