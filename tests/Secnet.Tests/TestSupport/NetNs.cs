using System.Diagnostics;
using Secnet.Interop;

namespace Secnet.Tests.TestSupport;

/// <summary>
/// A throw-away network namespace for tests that need root: created with `ip netns add`
/// (loopback up), deleted on Dispose. Code runs inside it either as a command
/// (<see cref="Exec"/>, <see cref="StartProcess"/>) or on a dedicated thread that has joined it
/// with setns (<see cref="Run"/>): sockets and tun devices created on that thread belong to the
/// namespace and keep working from any thread afterwards. Use a distinct prefix per helper.
/// </summary>
public sealed class NetNs : IDisposable
{
    private const int CLONE_NEWNET = 0x40000000;
    private readonly List<Process> _processes = [];
    private bool _disposed;

    private NetNs(string name) => Name = name;

    public string Name { get; }

    /// <summary>True if this process may create namespaces (root and `ip` present).</summary>
    public static bool Available =>
        Environment.UserName == "root" && (File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip"));

    /// <summary>Creates "<paramref name="prefix"/>-xxxxxx" with loopback up.</summary>
    public static NetNs Create(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        var result = RunCommand("ip", "netns", "add", name);
        if (result.ExitCode != 0) throw new InvalidOperationException($"ip netns add {name}: {result.Error}");
        var ns = new NetNs(name);
        try
        {
            ns.ExecChecked("ip", "link", "set", "lo", "up");
        }
        catch
        {
            ns.Dispose();
            throw;
        }
        return ns;
    }

    /// <summary>Runs <paramref name="action"/> on a new thread inside the namespace and waits.</summary>
    public void Run(Action action) => Run<object?>(() => { action(); return null; });

    /// <summary>Runs <paramref name="func"/> on a new thread inside the namespace and returns its value
    /// (exceptions are rethrown here).</summary>
    public T Run<T>(Func<T> func)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                Enter();
                result = func();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new AggregateException($"inside netns {Name}", failure);
        return result;
    }

    private void Enter()
    {
        var fd = Libc.Open($"/run/netns/{Name}", 0);
        if (fd < 0) throw new IOException($"open /run/netns/{Name}: {Errno.Describe(Errno.Last)}");
        try
        {
            if (Libc.SetNs(fd, CLONE_NEWNET) < 0)
                throw new IOException($"setns {Name}: {Errno.Describe(Errno.Last)}");
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    /// <summary>Runs a command inside the namespace and waits (at most 15 s).</summary>
    public CommandResult Exec(params string[] argv) => RunCommand("ip", ["netns", "exec", Name, .. argv]);

    /// <summary>As <see cref="Exec"/>, but throws on a non-zero exit; returns stdout.</summary>
    public string ExecChecked(params string[] argv)
    {
        var result = Exec(argv);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{string.Join(' ', argv)} in {Name} exited {result.ExitCode}: {result.Error}");
        return result.Output;
    }

    /// <summary>Starts a long-running command inside the namespace with redirected stdout;
    /// it is killed on Dispose if still running.</summary>
    public Process StartProcess(params string[] argv)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["netns", "exec", Name, .. argv]) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start ip");
        _processes.Add(process);
        return process;
    }

    public readonly record struct CommandResult(int ExitCode, string Output, string Error);

    private static CommandResult RunCommand(string file, params string[] argv)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(15_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', argv)} did not finish");
        }
        return new CommandResult(process.ExitCode, output.Result, error.Result);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
            catch (InvalidOperationException)
            {
                // Already reaped: nothing left to stop.
            }
            process.Dispose();
        }
        RunCommand("ip", "netns", "del", Name);
    }
}
