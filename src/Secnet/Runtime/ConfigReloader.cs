using Secnet.Comm;
using Secnet.Config;
using Secnet.Crypto;
using Secnet.Log;
using Secnet.Modules;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Sites;

namespace Secnet.Runtime;

/// <summary>
/// <c>reload</c> (issue 18): reads the configuration file again and applies what changed in
/// its sites. The new configuration is first evaluated as <c>-j</c> does, opening nothing, and
/// checked completely; any error refuses it and changes nothing. Then, by site name: a site
/// whose parameters are all equal keeps its running <see cref="Site"/> (keys, tunnel, counters);
/// a removed site is shut down (MSG7 to the peer when keyed) and its routes leave the netlink
/// router; an added site gets a new client on the running netlink device, the running comms,
/// log and random source, and starts; a changed site is removed and added. What a running
/// daemon cannot change without a restart (devices, sockets, the system dictionary) refuses the
/// reload with a line saying so. Runs on the event loop thread, which owns every site.
/// </summary>
internal sealed class ConfigReloader : IConfigReloader
{
    private readonly ModuleContext _running;
    private readonly string _configPath;
    private readonly string _sitesKey;
    private readonly SystemConfig _settings;
    private readonly ILog _log;
    private readonly IScheduler _scheduler;
    private readonly Func<ModuleRegistry> _registry;
    // The selected, running sites in configuration order, and every comm they used (an added
    // site's comms are matched against these).
    private readonly List<ConfiguredSite> _sites;
    private readonly List<IComm> _comms = new();

    public ConfigReloader(ModuleContext running, string configPath, string sitesKey, SystemConfig settings,
        IEnumerable<ConfiguredSite> sites, Func<ModuleRegistry>? registry = null)
    {
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(sites);
        _running = running;
        _configPath = configPath;
        _sitesKey = sitesKey;
        _settings = settings;
        _log = running.Log;
        _scheduler = running.Get<IScheduler>();
        _registry = registry ?? ModuleRegistry.CreateDefault;
        _sites = [.. sites];
        foreach (var s in _sites) RememberComms(s);
        if (running.Find<PhaseRunner>() is { } phases)
            phases.Register(Phase.Shutdown, _ => ShutdownAdded());
        running.Find<SignalHandling>()?.Register(SignalHandling.SIGUSR1, _ => ReportAddedCounters());
    }

    /// <summary>randomfile sources a reload's evaluation opened and closed again (for tests:
    /// the garbage collector would close them too, some time, so descriptors do not tell).</summary>
    internal int RandomSourcesClosed { get; private set; }

    /// <summary>The sites running now, in configuration order (for tests and diagnostics).</summary>
    public IReadOnlyList<ConfiguredSite> Sites => _sites;

    // Sites this reloader started: the start-up hooks (shutdown, SIGUSR1) know only the
    // configuration's first sites.
    private readonly List<ConfiguredSite> _added = new();

    public ReloadOutcome Reload()
    {
        var plan = Prepare(out var refusal, out var root);
        var lines = plan is null ? null : Apply(plan);
        // randomfile opens its file while the configuration is evaluated; what no site runs
        // with now is closed, or every reload would keep a descriptor.
        if (root is not null) CloseUnusedRandomSources(root);
        if (lines is null)
        {
            foreach (var line in refusal!) _log.Log(LogClass.Error, $"reload: configuration refused: {line}");
            return new ReloadOutcome(false, refusal!);
        }
        foreach (var line in lines) _log.Log(LogClass.Notice, line);
        return new ReloadOutcome(true, lines);
    }

    /// <summary>A checked reload: what to close, and the ready-to-start replacements.</summary>
    private sealed record Plan(SiteDiff Diff, IReadOnlyList<ConfiguredSite> Remove, IReadOnlyList<Addition> Add);

    private sealed record Addition(string Name, bool Replaces, ConfiguredSite Proposed, NetlinkDevice Device,
        IReadOnlyList<IComm> Comms, ILog Log, IRandomSource Random, IResolver Resolver);

    private Plan? Prepare(out IReadOnlyList<string>? refusal, out ConfigDict? evaluated)
    {
        refusal = null;
        evaluated = null;
        if (_configPath == "-")
        {
            refusal = ["the configuration was read from standard input; reload needs a file"];
            return null;
        }
        // -j's mode: closures open no device, socket or log and register no phase hooks. The
        // running scheduler and buffer pool make a new resolver and netlink usable; the shared
        // crypto values make an unchanged group or public key the running object.
        var check = new ModuleContext(_log, justCheck: true) { Reloading = true };
        check.Set<IScheduler>(_scheduler);
        check.Set(SharedCryptoValues.Of(_running));
        if (_running.Find<BufferPool>() is { } pool) check.Set(pool);
        var root = ConfigLoader.CreateRoot(_registry());
        evaluated = root;
        SystemConfig system;
        IReadOnlyList<ClosureItem> siteItems;
        try
        {
            ConfigLoader.LoadInto(_configPath, root, check);
            system = ConfigChecker.ReadSystem(root, check.RootRequiredFeatures);
            siteItems = ConfigChecker.ReadSites(root, _sitesKey, _log);
        }
        catch (ConfigException e)
        {
            refusal = [e.Message];
            return null;
        }
        catch (ConfigFileException e)
        {
            refusal = [.. e.Lines.Where(l => l.Length > 0)];
            return null;
        }
        catch (SecnetFatalException e)
        {
            refusal = [e.Message];
            return null;
        }

        var problems = new List<string>();
        CheckSystem(system, problems);
        CheckDevices(check.Find<NetlinkDeviceRegistry>(), problems);

        var proposed = new List<ConfiguredSite>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in siteItems)
        {
            if (item.Value is not ConfiguredSite site) continue;
            if (!names.Add(site.Options.Name))
                problems.Add($"site {site.Options.Name}: listed twice in \"{_sitesKey}\"");
            else
                proposed.Add(site);
        }
        if (problems.Count > 0)
        {
            refusal = problems;
            return null;
        }

        var diff = SiteDiff.Compute(
            _sites.ConvertAll(s => (s.Options.Name, ReloadSignatures.Site(s, _settings.Log))),
            proposed.ConvertAll(s => (s.Options.Name, ReloadSignatures.Site(s, system.Log))));
        var byName = proposed.ToDictionary(s => s.Options.Name, StringComparer.Ordinal);
        var additions = new List<Addition>();
        foreach (var name in diff.Changed.Concat(diff.Added))
        {
            var addition = Resolve(byName[name], system.Log, diff.Changed.Contains(name), problems);
            if (addition is not null) additions.Add(addition);
        }
        if (problems.Count > 0)
        {
            refusal = problems;
            return null;
        }
        var removals = _sites.FindAll(s => diff.Removed.Contains(s.Options.Name) || diff.Changed.Contains(s.Options.Name));
        return new Plan(diff, removals, additions);
    }

    /// <summary>The system dictionary is the daemon's: the user it runs as, its pid file, its
    /// workers and its logs are set up once.</summary>
    private void CheckSystem(SystemConfig system, List<string> problems)
    {
        if (system.User?.Name != _settings.User?.Name)
            problems.Add("system: changing userid needs a restart");
        if (system.PidFile != _settings.PidFile)
            problems.Add("system: changing pidfile needs a restart");
        if (system.CryptoWorkers != _settings.CryptoWorkers)
            problems.Add("system: changing crypto-workers needs a restart");
        if (ReloadSignatures.Log(system.Log) != ReloadSignatures.Log(_settings.Log))
            problems.Add("system: changing log needs a restart");
    }

    /// <summary>Every netlink device of the new configuration must be a running one, unchanged:
    /// a tun interface, its addresses and networks are made once, with privileges.</summary>
    private void CheckDevices(NetlinkDeviceRegistry? proposed, List<string> problems)
    {
        var running = _running.Find<NetlinkDeviceRegistry>()?.Devices ?? [];
        var proposedDevices = proposed?.Devices ?? [];
        foreach (var device in proposedDevices)
        {
            var match = FindDevice(running, device.Name);
            if (match is null)
                problems.Add($"netlink {device.Name}: a new netlink device needs a restart");
            else if (match.ReloadSignature != device.ReloadSignature)
                problems.Add($"netlink {device.Name}: changing a netlink device's settings needs a restart");
        }
        foreach (var device in running)
        {
            if (FindDevice(proposedDevices, device.Name) is null)
                problems.Add($"netlink {device.Name}: removing a netlink device needs a restart");
        }
    }

    private static NetlinkDevice? FindDevice(IReadOnlyList<NetlinkDevice> devices, string name)
    {
        foreach (var d in devices)
            if (d.Name == name) return d;
        return null;
    }

    /// <summary>The running objects a new site will use in place of the ones its evaluation
    /// made (which opened nothing); null after adding to <paramref name="problems"/>.</summary>
    private Addition? Resolve(ConfiguredSite site, ILog proposedSystemLog, bool replaces, List<string> problems)
    {
        var name = site.Options.Name;
        int before = problems.Count;
        NetlinkDevice? device = null;
        if (site.Link is not NetlinkClient client)
        {
            problems.Add($"site {name}: its link is not a netlink client");
        }
        else
        {
            device = FindDevice(_running.Find<NetlinkDeviceRegistry>()?.Devices ?? [], client.Device.Name);
            if (device is null)
                problems.Add($"site {name}: netlink {client.Device.Name} is not running; that needs a restart");
            else if (!device.AcceptsClientsAtRun)
                problems.Add($"site {name}: netlink {device.Name} cannot take a new route while running ({(device.IsPointToPoint ? "point-to-point" : "its routes were given when it started")}); that needs a restart");
            else if (device.ManagesKernelRoutes && PrivilegesDropped)
                problems.Add($"site {name}: netlink {device.Name} would need to add kernel routes, but secnet no longer runs as root (userid); that needs a restart");
        }
        var comms = new List<IComm>(site.Comms.Count);
        foreach (var comm in site.Comms)
        {
            var description = ReloadSignatures.Comm(comm);
            var match = _comms.Find(c => ReloadSignatures.Comm(c) == description);
            if (match is null) problems.Add($"site {name}: comm ({description}) is not open in the running daemon; a new or changed socket needs a restart");
            else comms.Add(match);
        }
        ILog? log = ReferenceEquals(site.Options.Log, proposedSystemLog) ? _settings.Log : FindLog(ReloadSignatures.Log(site.Options.Log));
        if (log is null) problems.Add($"site {name}: its log ({ReloadSignatures.Log(site.Options.Log)}) is not open in the running daemon; that needs a restart");
        var randomText = ReloadSignatures.Random(site.Options.Random);
        var random = _sites.Find(s => ReloadSignatures.Random(s.Options.Random) == randomText)?.Options.Random ?? site.Options.Random;
        var resolver = _sites.Count > 0 ? _sites[0].Resolver : site.Resolver;
        if (problems.Count > before) return null;
        return new Addition(name, replaces, site, device!, comms, log!, random, resolver);
    }

    private bool PrivilegesDropped => _settings.User is { Uid: not 0 };

    private ILog? FindLog(string description)
    {
        foreach (var s in _sites)
            if (ReloadSignatures.Log(s.Options.Log) == description) return s.Options.Log;
        return null;
    }

    private List<string> Apply(Plan plan)
    {
        var lines = new List<string>();
        foreach (var site in plan.Remove)
        {
            Close(site);
            _sites.Remove(site);
            _added.Remove(site);
            if (!plan.Diff.Changed.Contains(site.Options.Name))
                lines.Add($"site {site.Options.Name}: removed by reload; session closed");
        }
        var workers = SharedCryptoWorkers.Of(_running);
        var allocator = _running.Find<SiteIndexAllocator>();
        if (allocator is null) _running.Set(allocator = new SiteIndexAllocator());
        foreach (var a in plan.Add)
        {
            var proposed = a.Proposed;
            if (proposed.ConfigurationNotice is { } notice) _log.Log(LogClass.Info, notice);
            var client = a.Device.AddClientAtRun(((NetlinkClient)proposed.Link).Options);
            var options = proposed.Options with { Log = a.Log, Random = a.Random, LinkMtu = client.Mtu };
            var site = new ConfiguredSite(options, allocator.Next(), client, a.Comms, a.Resolver);
            site.Start();
            site.Create(_scheduler, workers).Start();
            _sites.Add(site);
            _added.Add(site);
            RememberComms(site);
            lines.Add(a.Replaces
                ? $"site {a.Name}: changed by reload; old session closed, started again with the new parameters"
                : $"site {a.Name}: added by reload; started");
        }
        var d = plan.Diff;
        lines.Add($"reload: {d.Added.Count} added, {d.Removed.Count} removed, {d.Changed.Count} changed, {d.Unchanged.Count} unchanged");
        return lines;
    }

    /// <summary>MSG7 to the peer (if keyed) and keys erased, then no more datagrams or routed
    /// packets reach the site.</summary>
    private void Close(ConfiguredSite site)
    {
        if (site.Instance is { } instance)
        {
            instance.Shutdown();
            instance.Detach();
        }
        if (site.Link is NetlinkClient client)
            client.Device.RemoveClient(client, keepKernelRoutes: client.Device.ManagesKernelRoutes && PrivilegesDropped);
    }

    private void CloseUnusedRandomSources(ConfigDict root)
    {
        var inUse = new HashSet<IRandomSource>(ReferenceEqualityComparer.Instance);
        foreach (var s in _sites) inUse.Add(s.Options.Random);
        var seen = new HashSet<ConfigDict>(ReferenceEqualityComparer.Instance);
        void Close(RandomFileSource r)
        {
            if (!inUse.Add(r)) return;
            r.Dispose();
            RandomSourcesClosed++;
        }
        var pending = new Stack<ConfigDict>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dict = pending.Pop();
            if (!seen.Add(dict)) continue;
            foreach (var entry in dict.Entries)
            {
                foreach (var item in entry.Value)
                {
                    if (item is DictItem d) pending.Push(d.Dict);
                    else if (item is ClosureItem { Value: RandomFileSource r }) Close(r);
                    // A site's own random key is inside its argument, which the root does not hold.
                    else if (item is ClosureItem { Value: ConfiguredSite { Options.Random: RandomFileSource own } }) Close(own);
                }
            }
        }
    }

    private void RememberComms(ConfiguredSite site)
    {
        foreach (var c in site.Comms)
            if (!_comms.Contains(c)) _comms.Add(c);
    }

    private void ShutdownAdded()
    {
        foreach (var s in _added) s.Instance?.Shutdown();
    }

    private void ReportAddedCounters()
    {
        foreach (var s in _added) s.Instance?.ReportCounters();
    }
}
