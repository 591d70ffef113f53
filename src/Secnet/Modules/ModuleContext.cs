using Secnet.Log;

namespace Secnet.Modules;

/// <summary>
/// What modules get when their closures run during configuration reading: whether this is a
/// check-only run (<c>-j</c>: open nothing), the current log, and a typed service bag through which
/// the runtime offers shared services (scheduler, phase hooks, buffer pool, child reaper ...)
/// without this class having to know every one of them.
/// </summary>
public sealed class ModuleContext
{
    private readonly Dictionary<Type, object> _services = new();

    public ModuleContext(ILog log, bool justCheck)
    {
        Log = log;
        JustCheck = justCheck;
    }

    /// <summary>True under <c>-j</c>: validate fully, but open no device, socket or log file.</summary>
    public bool JustCheck { get; }

    /// <summary>True while a running daemon evaluates its configuration again for a reload: the
    /// configuration-time notices of a site (its old-style key) were logged at start-up and are
    /// kept with the site, for the reloader to log for the sites it adds.</summary>
    public bool Reloading { get; init; }

    /// <summary>The log in force (the early stderr log while reading the configuration).</summary>
    public ILog Log { get; set; }

    /// <summary>Features that need root at run time, by name, for the privilege check (config.md §5).</summary>
    public List<string> RootRequiredFeatures { get; } = new();

    public void Set<T>(T service) where T : class => _services[typeof(T)] = service;

    public T? Find<T>() where T : class => _services.TryGetValue(typeof(T), out var s) ? (T)s : null;

    public T Get<T>() where T : class =>
        Find<T>() ?? throw new InvalidOperationException($"service {typeof(T).Name} not available");
}
