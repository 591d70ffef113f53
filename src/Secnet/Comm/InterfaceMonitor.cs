using System.Text;
using Secnet.Interop;
using Secnet.Runtime;

namespace Secnet.Comm;

/// <summary>
/// Runs polypath's <c>monitor-command</c> with its stdout on a pipe and hands each complete line to
/// the event loop. Reading happens on a dedicated thread with secnet's line-buffer rules: a line
/// (with its newline) must fit in 163 bytes, NUL bytes are bad output, and EOF is always a problem
/// (the monitor must run for as long as secnet does) unless <see cref="Stop"/> asked for it.
/// </summary>
public sealed class InterfaceMonitor : IDisposable
{
    /// <summary>secnet's line buffer: ADNS_ADDR2TEXT_BUFLEN (63) + 100.</summary>
    public const int LineBufferSize = 163;

    private readonly IReadOnlyList<string> _command;
    private readonly IScheduler _scheduler;
    private readonly Action<string> _onLine;
    private readonly Action<InterfaceMonitorProblem> _onProblem;
    private int _readFd = -1;
    private volatile bool _stopping;
    private Thread? _reader;

    /// <param name="onLine">Runs on the scheduler for each line, in order.</param>
    /// <param name="onProblem">Runs on the scheduler once when the output ends or breaks.</param>
    public InterfaceMonitor(IReadOnlyList<string> command, IScheduler scheduler, Action<string> onLine,
        Action<InterfaceMonitorProblem> onProblem)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Count == 0) throw new ArgumentException("monitor command is empty", nameof(command));
        _command = command;
        _scheduler = scheduler;
        _onLine = onLine;
        _onProblem = onProblem;
    }

    /// <summary>The monitor's pid once started (0 before, and after it was reaped).</summary>
    public int Pid { get; private set; }

    /// <summary>Spawns the command; returns 0 or the errno of the failed spawn (e.g. ENOENT).</summary>
    public unsafe int Start()
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC) != 0) return Errno.Last;
        var error = PosixSpawn.Spawn(_command[0], _command, -1, fds[1], newSession: false, out var pid);
        Libc.Close(fds[1]);
        if (error != 0)
        {
            Libc.Close(fds[0]);
            return error;
        }
        Pid = pid;
        _readFd = fds[0];
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "polypath interface monitor" };
        _reader.Start();
        return 0;
    }

    /// <summary>
    /// secnet's reaction to a problem: if the monitor has already exited, its exit status (else
    /// null). Call on the scheduler thread after a problem was reported.
    /// </summary>
    public int? TryReap()
    {
        if (Pid <= 0) return null;
        int status;
        int r;
        unsafe
        {
            do r = Libc.WaitPid(Pid, &status, Libc.WNOHANG);
            while (r < 0 && Errno.Last == Errno.EINTR);
        }
        if (r != Pid) return null;
        Pid = 0;
        return status;
    }

    /// <summary>Sends SIGTERM to the monitor (secnet's shutdown hook) and stops reporting its EOF.</summary>
    public void Stop()
    {
        _stopping = true;
        if (Pid > 0) Libc.Kill(Pid, Libc.SIGTERM);
    }

    public void Dispose()
    {
        Stop();
        if (_reader is not null && !_reader.Join(5000) && Pid > 0)
        {
            Libc.Kill(Pid, Libc.SIGKILL);
            _reader.Join(5000);
        }
    }

    private unsafe void ReadLoop()
    {
        var buffer = new byte[LineBufferSize];
        var used = 0;
        InterfaceMonitorProblem? problem = null;
        while (problem is null)
        {
            var newline = Array.IndexOf(buffer, (byte)'\n', 0, used);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(buffer, 0, newline);
                _scheduler.Post(() => _onLine(line));
                Array.Copy(buffer, newline + 1, buffer, 0, used - newline - 1);
                used -= newline + 1;
                continue;
            }
            if (used == buffer.Length)
            {
                problem = InterfaceMonitorProblem.Broken("input line too long");
                break;
            }
            nint n;
            fixed (byte* p = &buffer[used])
                n = Libc.Read(_readFd, p, buffer.Length - used);
            if (n < 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.EINTR) continue;
                problem = InterfaceMonitorProblem.Broken(Errno.Describe(errno));
            }
            else if (n == 0)
            {
                problem = InterfaceMonitorProblem.EndOfFile;
            }
            else if (Array.IndexOf(buffer, (byte)0, used, (int)n) >= 0)
            {
                problem = InterfaceMonitorProblem.Broken("nul in input data");
            }
            else
            {
                used += (int)n;
            }
        }
        Libc.Close(_readFd);
        _readFd = -1;
        if (_stopping)
        {
            ReapAfterStop();
            return;
        }
        _scheduler.Post(() => _onProblem(problem));
    }

    private unsafe void ReapAfterStop()
    {
        var pid = Pid;
        if (pid <= 0) return;
        int status;
        int r;
        do r = Libc.WaitPid(pid, &status, 0);
        while (r < 0 && Errno.Last == Errno.EINTR);
        Pid = 0;
    }
}

/// <summary>Why the monitor's output ended: EOF, or broken output with secnet's reason text.</summary>
public sealed record InterfaceMonitorProblem(bool IsEndOfFile, string? Reason)
{
    public static InterfaceMonitorProblem EndOfFile { get; } = new(true, null);

    public static InterfaceMonitorProblem Broken(string reason) => new(false, reason);

    /// <summary>secnet's fatal text for this problem.</summary>
    public string Text => IsEndOfFile ? "unexpected EOF from interface monitor" : $"bad output from interface monitor: {Reason}";
}
