using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>
/// Moves the process through its phases and runs the hooks modules registered for each one
/// (netlink builds routes at SETUP, devices open at GETRESOURCES, MSG7 goes out at SHUTDOWN...).
/// Hooks run in registration order, except SHUTDOWN's, which run newest first: teardown undoes
/// setup in reverse, so sites (registered after the comms they use) send MSG7 while the comms'
/// sockets are still open. A hook may throw <see cref="SecnetFatalException"/>.
/// </summary>
public sealed class PhaseRunner
{
    private readonly Dictionary<Phase, List<Action<Phase>>> _hooks = [];
    private readonly Lock _gate = new();

    public PhaseRunner(ILog log) => Log = log;

    /// <summary>Where the debug-phase lines go; replaced when the system log is installed.</summary>
    public ILog Log { get; set; }

    public Phase Current { get; private set; } = Phase.Init;

    /// <summary>Adds a hook that runs when the process enters <paramref name="phase"/>.</summary>
    public void Register(Phase phase, Action<Phase> hook)
    {
        lock (_gate)
        {
            if (!_hooks.TryGetValue(phase, out var list))
                _hooks[phase] = list = [];
            list.Add(hook);
        }
    }

    /// <summary>Enters <paramref name="phase"/> and runs its hooks, like secnet's enter_phase.</summary>
    public void Enter(Phase phase)
    {
        Action<Phase>[] hooks;
        lock (_gate)
            hooks = _hooks.TryGetValue(phase, out var list) ? [.. list] : [];
        if (phase == Phase.Shutdown)
            Array.Reverse(hooks);
        if (hooks.Length > 0 && Log.IsEnabled(LogClass.DebugPhase))
            Log.Log(LogClass.DebugPhase, $"Running hooks for {PhaseNames.Of(phase)}...");
        Current = phase;
        foreach (var hook in hooks)
            hook(phase);
        if (Log.IsEnabled(LogClass.DebugPhase))
            Log.Log(LogClass.DebugPhase, $"Now in {PhaseNames.Of(phase)}");
    }

    /// <summary>
    /// The SHUTDOWN step of a fatal error: enter SHUTDOWN so cleanup hooks (pidfile, children)
    /// still run, but never let a failing hook hide the original error. Returns the exit code.
    /// </summary>
    public int EnterShutdownAfterFatal(Phase failedIn)
    {
        if (Current == Phase.Shutdown)
            return (int)failedIn;
        try
        {
            Enter(Phase.Shutdown);
        }
        catch (SecnetFatalException e)
        {
            Log.Log(LogClass.Error, "during shutdown: " + e.Message);
        }
        return (int)failedIn;
    }
}
