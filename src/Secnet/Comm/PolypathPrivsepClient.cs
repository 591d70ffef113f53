using System.Globalization;
using System.Net.Sockets;
using Secnet.Interop;
using Secnet.Runtime;

namespace Secnet.Comm;

/// <summary>
/// The daemon's half of polypath's privilege separation (runtime.md §8): spawns
/// <see cref="PolypathPrivsepHelper"/> at GETRESOURCES (still root) with one end of a socketpair
/// as its stdin, and turns each record it sends into a monitor line for
/// <see cref="PolypathComm"/> on the scheduler thread, with the passed socket attached. The end of
/// the helper's stream is fatal unless <see cref="Stop"/> asked for it.
/// </summary>
internal sealed class PolypathPrivsepClient
{
    private readonly PolypathComm _comm;
    private readonly IScheduler _scheduler;
    private readonly int _fd;
    private readonly Thread _reader;
    private volatile bool _stopping;

    private PolypathPrivsepClient(PolypathComm comm, IScheduler scheduler, int fd, int pid)
    {
        _comm = comm;
        _scheduler = scheduler;
        _fd = fd;
        Pid = pid;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "polypath privsep" };
    }

    public int Pid { get; private set; }

    /// <summary>Spawns the helper; fatal (GETRESOURCES) if that fails.</summary>
    public static PolypathPrivsepClient Start(PolypathComm comm, IScheduler scheduler)
    {
        var error = PolypathPrivsepChannel.SocketPair(out var ours, out var theirs);
        if (error != 0)
            throw new SecnetFatalException(Phase.GetResources, $"{comm.LogPrefix}: socketpair: {Errno.Describe(error)}");
        var (file, argv) = OwnCommandLine(PolypathPrivsepHelper.Arguments(comm.Options));
        error = PosixSpawn.Spawn(file, argv, theirs, -1, newSession: false, out var pid);
        Libc.Close(theirs);
        if (error != 0)
        {
            Libc.Close(ours);
            throw new SecnetFatalException(Phase.GetResources,
                $"{comm.LogPrefix}: cannot start privsep interface handler {file}: {Errno.Describe(error)}");
        }
        var client = new PolypathPrivsepClient(comm, scheduler, ours, pid);
        client._reader.Start();
        return client;
    }

    /// <summary>SHUTDOWN: end of stream for the helper (it stops the monitor), then SIGTERM and reap.</summary>
    public void Stop()
    {
        if (_stopping) return;
        _stopping = true;
        PolypathPrivsepChannel.ShutdownBoth(_fd);
        if (Pid > 0)
        {
            Libc.Kill(Pid, Libc.SIGTERM);
            Reap(TimeSpan.FromSeconds(5));
        }
        _reader.Join(2000);
    }

    private void ReadLoop()
    {
        var buffer = new byte[PolypathPrivsepRecord.MaxLength];
        bool ended = false;
        while (!ended)
        {
            var n = PolypathPrivsepChannel.Receive(_fd, buffer, out var fd);
            if (n <= 0)
            {
                if (fd >= 0) Libc.Close(fd);
                break;
            }
            if (!PolypathPrivsepRecord.TryDecode(buffer.AsSpan(0, n), out var record))
            {
                if (fd >= 0) Libc.Close(fd);
                continue;
            }
            ended = record.Kind is PolypathPrivsepKind.MonitorExited or PolypathPrivsepKind.MonitorProblem;
            _scheduler.Post(() => Apply(record, fd));
        }
        Libc.Close(_fd);
        if (!_stopping && !ended)
            _scheduler.Post(() => throw new SecnetFatalException(HelperEndedText()));
    }

    /// <summary>One record, on the scheduler thread.</summary>
    private void Apply(PolypathPrivsepRecord record, int fd)
    {
        switch (record.Kind)
        {
        case PolypathPrivsepKind.Socket:
            _comm.ProcessPrivsepLine(record.First, Adopt(fd), null, null);
            break;
        case PolypathPrivsepKind.SocketFailed:
            _comm.ProcessPrivsepLine(record.First, null, record.Second, record.Third);
            break;
        case PolypathPrivsepKind.Line:
            _comm.ProcessPrivsepLine(record.First, null, null, null);
            break;
        case PolypathPrivsepKind.MonitorExited:
            if (_stopping) return;
            throw new SecnetFatalException(ChildReaper.DescribeExit(_comm.LogPrefix, "interface monitor",
                int.Parse(record.First, NumberStyles.None, CultureInfo.InvariantCulture)));
        case PolypathPrivsepKind.MonitorProblem:
            if (_stopping) return;
            throw new SecnetFatalException($"{_comm.LogPrefix}: {record.First}");
        }
    }

    private static Socket? Adopt(int fd) => fd < 0 ? null : new Socket(new SafeSocketHandle(fd, ownsHandle: true));

    private string HelperEndedText()
    {
        var status = Reap(TimeSpan.FromSeconds(2));
        return status is int s
            ? ChildReaper.DescribeExit(_comm.LogPrefix, "privsep interface handler", s)
            : $"{_comm.LogPrefix}: privsep interface handler closed its channel unexpectedly";
    }

    private unsafe int? Reap(TimeSpan wait)
    {
        var deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (Pid > 0)
        {
            int status;
            var r = Libc.WaitPid(Pid, &status, Libc.WNOHANG);
            if (r == Pid)
            {
                Pid = 0;
                return status;
            }
            if (r < 0 && Errno.Last != Errno.EINTR) return null;
            if (Environment.TickCount64 > deadline) return null;
            Thread.Sleep(20);
        }
        return null;
    }

    /// <summary>This program with <paramref name="args"/>; under "dotnet secnet.dll" the assembly too.</summary>
    private static (string File, List<string> Argv) OwnCommandLine(List<string> args)
    {
        var exe = Environment.ProcessPath ?? throw new SecnetFatalException(Phase.GetResources, "cannot find own executable");
        var argv = new List<string> { exe };
        if (SelfCommand.HostedAssemblyArgument(exe) is { } assembly)
            argv.Add(assembly);
        argv.AddRange(args);
        return (exe, argv);
    }
}
