using System.Runtime.InteropServices;

namespace Secnet.Runtime;

/// <summary>
/// secnet's signal notifications (runtime.md §5). The runtime's handler only posts to the event
/// loop, where registered callbacks run newest first, like secnet's self-pipe dispatch. SIGTERM,
/// SIGINT (when requested) and SIGHUP are cancelled so they do not kill the process.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SignalHandling : IDisposable
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGUSR1 = 10;
    public const int SIGTERM = 15;
    public const int SIGCHLD = 17;

    private readonly IScheduler _loop;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<Action<int>>> _callbacks = [];
    private readonly List<PosixSignalRegistration> _registrations = [];

    public SignalHandling(IScheduler loop) => _loop = loop;

    /// <summary>True once <see cref="Start"/> ran; long-lived children may only be spawned after.</summary>
    public bool Started { get; private set; }

    /// <summary>Adds a callback for <paramref name="signal"/>; it runs on the event loop.</summary>
    public void Register(int signal, Action<int> callback)
    {
        lock (_gate)
        {
            if (!_callbacks.TryGetValue(signal, out var list))
                _callbacks[signal] = list = [];
            list.Insert(0, callback);
        }
    }

    /// <summary>Installs the process handlers for every signal that has callbacks.</summary>
    public void Start()
    {
        int[] signals;
        lock (_gate)
            signals = [.. _callbacks.Keys];
        foreach (var signal in signals)
            _registrations.Add(PosixSignalRegistration.Create(ToPosix(signal), OnSignal));
        Started = true;
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
        _registrations.Clear();
    }

    private void OnSignal(PosixSignalContext context)
    {
        var signal = FromPosix(context.Signal);
        if (signal != SIGCHLD)
            context.Cancel = true;
        _loop.Post(() => Dispatch(signal));
    }

    private void Dispatch(int signal)
    {
        Action<int>[] callbacks;
        lock (_gate)
            callbacks = _callbacks.TryGetValue(signal, out var list) ? [.. list] : [];
        foreach (var callback in callbacks)
            callback(signal);
    }

    // .NET names the portable signals with negative values; others are passed as raw numbers.
    private static PosixSignal ToPosix(int signal) => signal switch
    {
        SIGHUP => PosixSignal.SIGHUP,
        SIGINT => PosixSignal.SIGINT,
        SIGTERM => PosixSignal.SIGTERM,
        SIGCHLD => PosixSignal.SIGCHLD,
        _ => (PosixSignal)signal,
    };

    private static int FromPosix(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => SIGHUP,
        PosixSignal.SIGINT => SIGINT,
        PosixSignal.SIGTERM => SIGTERM,
        PosixSignal.SIGCHLD => SIGCHLD,
        _ => (int)signal,
    };
}
