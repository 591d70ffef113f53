using System.Text;
using Secnet.Interop;
using Secnet.Runtime;

namespace Secnet.Log;

/// <summary>
/// The <c>logfile</c> LOG closure's runtime object (runtime.md §4.2). Until <see cref="Open"/> is
/// called (only when secnet backgrounds) lines go to stderr; a missing filename means stderr always.
/// Line layout: "Mon DD HH:MM:SS " + prefix + " " (if any) + "[PID] " (forked helpers) + text.
/// Writes are serialised so worker threads can log.
/// </summary>
public sealed class LogFile : IDaemonLog, IDisposable
{
    private readonly Lock _gate = new();
    private readonly TextWriter? _fallback;
    private readonly Func<DateTime> _now;
    private int _fd = -1;

    /// <param name="filename">File to append to once opened; null = stderr.</param>
    /// <param name="classes">Classes written; None writes nothing (secnet's default with no <c>class</c>).</param>
    /// <param name="prefix">Text put before every message (0.6.7's <c>prefix</c> key).</param>
    /// <param name="description">How errors name this closure, e.g. "logfile (secnet.conf:3)".</param>
    /// <param name="fallback">Where lines go before opening (default: the process's stderr).</param>
    /// <param name="now">Clock for timestamps (tests pin it).</param>
    public LogFile(string? filename, LogClass classes, string prefix = "", string description = "logfile",
        TextWriter? fallback = null, Func<DateTime>? now = null)
    {
        Filename = filename;
        Classes = classes;
        Prefix = prefix;
        Description = description;
        _fallback = fallback;
        _now = now ?? (() => DateTime.Now);
    }

    public string? Filename { get; }
    public LogClass Classes { get; set; }
    public string Prefix { get; }
    public string Description { get; }

    /// <summary>Set in forked long-lived helpers: lines then carry "[PID] ".</summary>
    public int? ChildPid { get; set; }

    public bool IsOpen => _fd >= 0;

    public bool IsEnabled(LogClass cls) => (Classes & cls) != 0;

    public void Log(LogClass cls, string message)
    {
        if (!IsEnabled(cls))
            return;
        var head = LogText.Timestamp(_now()) + (Prefix.Length > 0 ? Prefix + " " : "")
            + (ChildPid is { } pid ? $"[{pid}] " : "");
        var text = new StringBuilder();
        foreach (var line in LogText.Lines(message))
            text.Append(head).Append(line).Append('\n');
        lock (_gate)
        {
            if (_fd >= 0)
                FdWriter.WriteAll(_fd, text.ToString());
            else
                WriteFallback(text.ToString());
        }
    }

    /// <summary>Opens the file for appending (DAEMONIZE, background only); fatal if it cannot.</summary>
    public void Open()
    {
        if (Filename is null || IsOpen)
            return;
        var fd = OpenAppend(Filename, out var errno);
        if (fd < 0)
            throw new SecnetFatalException($"{Description}: cannot open \"{Filename}\": {Errno.Describe(errno)}");
        lock (_gate)
            _fd = fd;
    }

    /// <summary>
    /// SIGHUP: reopen so logrotate's rename takes effect. On failure the old file is kept and a
    /// fatal-class line is written to it (secnet does not exit).
    /// </summary>
    public void Reopen()
    {
        if (Filename is null || !IsOpen)
            return;
        var fd = OpenAppend(Filename, out var errno);
        if (fd < 0)
        {
            Log(LogClass.Fatal, $"received SIGHUP, but could not reopen logfile: {Errno.Describe(errno)}");
            return;
        }
        lock (_gate)
        {
            Libc.Close(_fd);
            _fd = fd;
        }
        Log(LogClass.Info, "received SIGHUP");
    }

    void IDaemonLog.OpenForBackground() => Open();

    public void Dispose()
    {
        lock (_gate)
        {
            if (_fd >= 0)
                Libc.Close(_fd);
            _fd = -1;
        }
    }

    private void WriteFallback(string text)
    {
        var writer = _fallback ?? LogOutput.Stderr;
        writer.Write(text);
        writer.Flush();
    }

    private static int OpenAppend(string path, out int errno)
    {
        var fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_APPEND | Libc.O_CREAT | Libc.O_CLOEXEC, 0x1b6 /* 0666 */);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }
}
