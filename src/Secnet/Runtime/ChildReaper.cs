using System.Runtime.InteropServices;
using Secnet.Runtime.Native;

namespace Secnet.Runtime;

/// <summary>
/// Collects the exit status of child processes that modules started themselves (userv-ipif,
/// polypath helpers). On SIGCHLD it waits only for the registered pids, one waitpid(pid, WNOHANG)
/// each, so it never steals the children that .NET's Process class is waiting for.
/// Callbacks run on the thread that calls <see cref="ReapRegistered"/> (the event loop).
/// </summary>
public sealed class ChildReaper
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
                r = Libc.waitpid(pid, out status, Libc.WNOHANG);
            }
            while (r < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR);
            if (r == 0)
                continue;
            lock (_gate)
                _children.Remove(pid);
            if (r < 0)
                throw SecnetFatalException.WithErrno($"waitpid for child {pid}", Marshal.GetLastPInvokeError());
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
    public static string DescribeExit(string? description, string program, int status)
    {
        var head = description is null ? "" : description + ": ";
        var termSig = status & 0x7f;
        if (termSig == 0)
        {
            var code = (status >> 8) & 0xff;
            return code == 0 ? $"{head}{program} exited" : $"{head}{program} exited with error exit status {code}";
        }
        if (termSig != 0x7f)
        {
            var core = (status & 0x80) != 0 ? " (core dumped)" : "";
            return $"{head}{program} died due to fatal signal {Libc.StrSignal(termSig)} ({termSig}){core}";
        }
        return $"{head}{program} died with unknown wait status {status}";
    }
}
