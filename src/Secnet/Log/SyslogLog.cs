using System.Net.Sockets;
using System.Text;

namespace Secnet.Log;

/// <summary>
/// The <c>syslog</c> LOG closure's runtime object (runtime.md §4.3). Before <see cref="Open"/>
/// (foreground, or before DAEMONIZE) lines go to stdout/stderr without timestamp, filtered by the
/// command-line level. Once open, every line is sent as glibc's syslog(3) would send it to a local
/// socket: "&lt;PRI&gt;Mmm dd HH:MM:SS ident[pid]: text" over a Unix datagram socket, no filtering
/// (the syslog daemon filters). If the daemon is absent lines are dropped, as glibc does.
/// </summary>
public sealed class SyslogLog : ILog, IDisposable
{
    public const string DefaultSocketPath = "/dev/log";

    private readonly Lock _gate = new();
    private readonly Func<LogClass> _commandLineLevel;
    private readonly TextWriter? _stdout;
    private readonly TextWriter? _stderr;
    private readonly Func<DateTime> _now;
    private Socket? _socket;
    private bool _opened;

    /// <param name="ident">syslog ident; null = the program name "secnet".</param>
    /// <param name="facility">Facility code as from <see cref="SyslogFacility.TryParse"/>.</param>
    /// <param name="commandLineLevel">The -v/-d/-f/-w level, for the unopened fallback.</param>
    public SyslogLog(string? ident, int facility, Func<LogClass> commandLineLevel,
        string socketPath = DefaultSocketPath, TextWriter? stdout = null, TextWriter? stderr = null,
        Func<DateTime>? now = null)
    {
        Ident = ident ?? "secnet";
        Facility = facility;
        SocketPath = socketPath;
        _commandLineLevel = commandLineLevel;
        _stdout = stdout;
        _stderr = stderr;
        _now = now ?? (() => DateTime.Now);
    }

    public string Ident { get; }
    public int Facility { get; }
    public string SocketPath { get; }

    /// <summary>openlog's LOG_PID: set in forked long-lived helpers.</summary>
    public bool IncludePid { get; set; }

    public bool IsEnabled(LogClass cls) => _opened || (_commandLineLevel() & cls) != 0;

    /// <summary>openlog: from now on lines go to the syslog socket (DAEMONIZE, background only).</summary>
    public void Open()
    {
        lock (_gate)
        {
            _opened = true;
            TryConnect();
        }
    }

    public void Log(LogClass cls, string message)
    {
        if (!IsEnabled(cls))
            return;
        if (!_opened)
        {
            WriteUnopened(cls, message);
            return;
        }
        var head = $"<{Facility | SyslogFacility.Severity(cls)}>{LogText.Timestamp(_now())}{Ident}"
            + (IncludePid ? $"[{Environment.ProcessId}]" : "") + ": ";
        lock (_gate)
        {
            foreach (var line in LogText.Lines(message))
                Send(Encoding.UTF8.GetBytes(head + line));
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

    private void WriteUnopened(LogClass cls, string message)
    {
        var toStderr = (cls & (LogClass.Warning | LogClass.Error | LogClass.Fatal)) != 0;
        var writer = toStderr ? _stderr ?? LogOutput.Stderr : _stdout ?? LogOutput.Stdout;
        lock (_gate)
        {
            foreach (var line in LogText.Lines(message))
                writer.Write(line + "\n");
            writer.Flush();
        }
    }

    private void Send(byte[] datagram)
    {
        // Like glibc: connect lazily, and after a failed send (syslogd restarted) reconnect once.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_socket is null && !TryConnect())
                return;
            try
            {
                _socket!.Send(datagram);
                return;
            }
            catch (SocketException)
            {
                _socket!.Dispose();
                _socket = null;
            }
        }
    }

    private bool TryConnect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(SocketPath));
            _socket = socket;
            return true;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return false;
        }
    }
}
