using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Runtime;

namespace Secnet.Comm;

/// <summary>
/// The privileged half of polypath's privilege separation (runtime.md §8): a copy of our own
/// binary, started as <c>secnet --polypath-privsep-helper ...</c> while the daemon is still root,
/// whose stdin is one end of a SOCK_SEQPACKET socketpair. It runs the interface monitor, creates
/// and binds (SO_BINDTODEVICE) a socket for every wanted address and passes it to the daemon with
/// SCM_RIGHTS, together with the monitor line; the daemon, no longer root, re-reads the line and
/// does all the bookkeeping and logging. Ends when the daemon closes its end, on SIGTERM, or after
/// reporting that the monitor's output ended.
/// </summary>
internal static class PolypathPrivsepHelper
{
    /// <summary>The hidden first argument that selects this entry point (never documented).</summary>
    public const string Argument = "--polypath-privsep-helper";

    private const int ChannelFd = 0;

    // One helper per process: the monitor it runs, for reaping after its output ends.
    private static InterfaceMonitor? _monitor;

    /// <summary>
    /// The helper's arguments after <see cref="Argument"/>: port, permit-loopback (0/1), authbind
    /// ("" = none), the number of interface patterns (-1 = none configured), the patterns, then the
    /// monitor command.
    /// </summary>
    public static List<string> Arguments(PolypathOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var args = new List<string>
        {
            Argument,
            options.Port.ToString(CultureInfo.InvariantCulture),
            options.PermitLoopback ? "1" : "0",
            options.Authbind ?? "",
            (options.Interfaces?.Count ?? -1).ToString(CultureInfo.InvariantCulture),
        };
        if (options.Interfaces is { } patterns) args.AddRange(patterns);
        args.AddRange(options.MonitorCommand);
        return args;
    }

    /// <summary>Entry point; <paramref name="args"/> are those after <see cref="Argument"/>.</summary>
    public static int Run(string[] args)
    {
        if (!TryParse(args, out var port, out var permitLoopback, out var authbind, out var patterns, out var monitorCommand))
        {
            Console.Error.WriteLine("secnet: internal polypath helper: bad arguments");
            return 1;
        }
        var wanted = new InterfacePatternList(patterns, permitLoopback, null);
        var loop = new EventLoop();
        var monitor = new InterfaceMonitor(monitorCommand, loop,
            line => OnLine(line, port, permitLoopback, authbind, wanted, loop),
            problem => OnProblem(problem, loop));
        var error = monitor.Start();
        if (error != 0)
        {
            Send(loop, new PolypathPrivsepRecord(PolypathPrivsepKind.MonitorProblem,
                $"cannot execute {monitorCommand[0]}: {Errno.Describe(error)}"), -1);
            return 1;
        }
        _monitor = monitor;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            loop.Post(loop.Stop);
        });
        new Thread(() => WatchDaemon(loop)) { IsBackground = true, Name = "polypath privsep channel" }.Start();
        loop.Run();
        monitor.Dispose();
        return 0;
    }

    private static void OnLine(string line, int port, bool permitLoopback, string? authbind, InterfacePatternList wanted, EventLoop loop)
    {
        // Same decisions as the daemon's, so a socket is only made where the daemon will use one.
        if (!InterfaceMonitorLine.TryParse(line, out var change, out _) || !change!.Add
            || wanted.Decide(change.InterfaceName) == InterfaceWant.Exclude
            || PolypathAddressFilter.Reason(change.Address, permitLoopback) is not null)
        {
            Send(loop, new PolypathPrivsepRecord(PolypathPrivsepKind.Line, line), -1);
            return;
        }
        var socket = PolypathSocket.TryCreate(change.InterfaceName, new IPEndPoint(change.Address, port), authbind,
            out var problem, out var summary);
        if (socket is null)
        {
            Send(loop, new PolypathPrivsepRecord(PolypathPrivsepKind.SocketFailed, line, problem ?? "", summary ?? ""), -1);
            return;
        }
        // The kernel duplicates the descriptor into the message; ours is closed without shutdown(),
        // which would also shut the daemon's copy.
        Send(loop, new PolypathPrivsepRecord(PolypathPrivsepKind.Socket, line), (int)socket.Fd);
        socket.CloseWithoutShutdown();
    }

    private static void OnProblem(InterfaceMonitorProblem problem, EventLoop loop)
    {
        // The monitor closing its output usually means it is exiting: give it a moment to be reaped
        // so the daemon can report its exit status, as secnet does without privsep.
        int? status = null;
        for (var i = 0; i < 20 && status is null; i++)
        {
            status = _monitor?.TryReap();
            if (status is null) Thread.Sleep(50);
        }
        var record = status is int s
            ? new PolypathPrivsepRecord(PolypathPrivsepKind.MonitorExited, s.ToString(CultureInfo.InvariantCulture))
            : new PolypathPrivsepRecord(PolypathPrivsepKind.MonitorProblem, problem.Text);
        Send(loop, record, -1);
        loop.Stop();
    }

    private static void Send(EventLoop loop, PolypathPrivsepRecord record, int fd)
    {
        // EPIPE/ECONNRESET: the daemon is gone; nothing is left to serve.
        if (PolypathPrivsepChannel.Send(ChannelFd, record.Encode(), fd) != 0) loop.Stop();
    }

    /// <summary>The daemon never writes; end of stream means it exited or shut down polypath.</summary>
    private static void WatchDaemon(EventLoop loop)
    {
        Span<byte> buffer = stackalloc byte[16];
        while (true)
        {
            var n = PolypathPrivsepChannel.Receive(ChannelFd, buffer, out var fd);
            if (fd >= 0) Libc.Close(fd);
            if (n <= 0) break;
        }
        loop.Post(loop.Stop);
    }

    private static bool TryParse(string[] args, out int port, out bool permitLoopback, out string? authbind,
        out IReadOnlyList<string>? patterns, out IReadOnlyList<string> monitorCommand)
    {
        port = 0;
        permitLoopback = false;
        authbind = null;
        patterns = null;
        monitorCommand = [];
        if (args.Length < 5
            || !int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || !int.TryParse(args[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count)
            || count < -1 || args.Length < 4 + Math.Max(0, count) + 1)
            return false;
        permitLoopback = args[1] == "1";
        authbind = args[2].Length > 0 ? args[2] : null;
        var first = 4 + Math.Max(0, count);
        if (count >= 0) patterns = args[4..first];
        monitorCommand = args[first..];
        return true;
    }
}
