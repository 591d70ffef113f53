using Secnet.Interop;

namespace Secnet.Runtime;

/// <summary>
/// Collects the exit status of child processes that modules started themselves (userv-ipif,
/// polypath helpers). On SIGCHLD it waits only for the registered pids, one waitpid(pid, WNOHANG)
/// each, so it never steals the children that .NET's Process class is waiting for.
/// Callbacks run on the thread that calls <see cref="ReapRegistered"/> (the event loop).
/// </summary>
public sealed unsafe class ChildReaper
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Action<int>> _children = [];

    /// <summary>Calls <paramref name="onExit"/> with the raw wait status once <paramref name="pid"/> exits.</summary>
    public void Register(int pid, Action<int> onExit)
    {
        lock (_gate)
            _children[pid] = onExit;
    }

    public bool IsRegistered(int pid)
    {
        lock (_gate)
            return _children.ContainsKey(pid);
    }

    /// <summary>Reaps every registered child that has exited; returns how many were reaped.</summary>
    public int ReapRegistered()
    {
        KeyValuePair<int, Action<int>>[] snapshot;
        lock (_gate)
            snapshot = [.. _children];
        var reaped = 0;
        foreach (var (pid, onExit) in snapshot)
        {
            int r;
            int status;
            do
            {
                r = Libc.WaitPid(pid, &status, Libc.WNOHANG);
            }
            while (r < 0 && Errno.Last == Errno.EINTR);
            if (r == 0)
                continue;
            lock (_gate)
                _children.Remove(pid);
            if (r < 0)
                throw SecnetFatalException.WithErrno($"waitpid for child {pid}", Errno.Last);
            reaped++;
            onExit(status);
        }
        return reaped;
    }

    /// <summary>
    /// secnet's lg_exitstatus text for a wait status: "PROG exited", "PROG exited with error exit
    /// status N", "PROG died due to fatal signal NAME (N)[ (core dumped)]" or "PROG died with unknown
    /// wait status N"; prefixed with "DESC: " when a description is given.
    /// </summary>
    public static string DescribeExit(string? description, string program, int status) =>
        $"{(description is null ? "" : description + ": ")}{program} {new WaitStatus(status).Describe()}";
}
