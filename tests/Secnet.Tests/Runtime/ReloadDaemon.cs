using System.Net;
using System.Net.Sockets;
using Secnet.Config;
using Secnet.Modules;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Runtime;
using Secnet.Sites;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Runtime;

/// <summary>
/// One secnet in this process, started as <c>SecnetProcess</c> starts it (phases READCONFIG to
/// RUN from a configuration file, real udp sockets on 127.0.0.1, a null-netlink router, the real
/// sites and crypto) with its event loop on a thread of its own, so a test can reload it while
/// its peers keep sending. Its log is a <see cref="ListLog"/> named <c>testlog</c> in the file.
/// </summary>
internal sealed class ReloadDaemon : IDisposable
{
    private readonly Thread _thread;
    private readonly PhaseRunner _phases;
    private Exception? _startFailure;

    public ReloadDaemon(string configPath)
    {
        ConfigPath = configPath;
        Modules = new ModuleContext(Log, justCheck: false);
        _phases = new PhaseRunner(Log);
        Modules.Set<IScheduler>(Loop);
        Modules.Set(Loop);
        Modules.Set(_phases);
        using var ready = new ManualResetEventSlim();
        _thread = new Thread(() => Run(ready)) { IsBackground = true, Name = "reload test daemon" };
        _thread.Start();
        ready.Wait();
        if (_startFailure is not null) throw new InvalidOperationException("daemon did not start", _startFailure);
    }

    public string ConfigPath { get; }
    public ListLog Log { get; } = new();
    public EventLoop Loop { get; } = new();
    public ModuleContext Modules { get; }
    public ConfigReloader Reloader { get; private set; } = null!;

    public ModuleRegistry Registry()
    {
        var registry = ModuleRegistry.CreateDefault();
        registry.Add("testlog", new ClosureItem("log", ClosureType.Log, Log));
        return registry;
    }

    private void Run(ManualResetEventSlim ready)
    {
        try
        {
            _phases.Enter(Phase.ReadConfig);
            var root = ConfigLoader.Load(ConfigPath, Registry(), Modules);
            _phases.Enter(Phase.Setup);
            var settings = ConfigChecker.ReadSystem(root, Modules.RootRequiredFeatures);
            Modules.Set(settings);
            var selected = new List<ConfiguredSite>();
            foreach (var item in ConfigChecker.ReadSites(root, ConfigChecker.DefaultSitesKey, Log))
            {
                var site = (ConfiguredSite)item.Value!;
                site.Start();
                selected.Add(site);
            }
            _phases.Enter(Phase.GetResources);
            _phases.Enter(Phase.DropPriv);
            _phases.Enter(Phase.Run);
            Reloader = new ConfigReloader(Modules, ConfigPath, ConfigChecker.DefaultSitesKey, settings, selected, Registry);
        }
        catch (Exception e)
        {
            _startFailure = e;
            ready.Set();
            return;
        }
        ready.Set();
        Loop.Run();
        _phases.Enter(Phase.Shutdown);
    }

    /// <summary>Runs <paramref name="f"/> on the event loop, which owns the sites, and waits.</summary>
    public T OnLoop<T>(Func<T> f)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Loop.Post(() =>
        {
            try
            {
                done.SetResult(f());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        Assert.True(done.Task.Wait(TimeSpan.FromSeconds(20)), "event loop did not answer");
        return done.Task.Result;
    }

    /// <summary>What the control socket's <c>reload</c> does: the reloader, on the loop.</summary>
    public ReloadOutcome Reload() => OnLoop(() => Reloader.Reload());

    /// <summary>The live site for peer <paramref name="name"/>, or null.</summary>
    public Site? Site(string name) => OnLoop(() => Reloader.Sites.FirstOrDefault(s => s.Options.Name == name)?.Instance);

    public NetlinkDevice Device => Modules.Get<NetlinkDeviceRegistry>().Devices[0];

    /// <summary>A packet from the host into the router, as the tun would hand it in.</summary>
    public void FromHost(string source, string destination, ushort id = 1)
    {
        var packet = Modules.Get<BufferPool>().Rent();
        packet.CopyFrom(Secnet.Tests.Netlink.Packets.Ipv4(source, destination, id: id));
        Device.FromHost(packet);
    }

    public void Dispose()
    {
        Loop.Post(Loop.Stop);
        _thread.Join(TimeSpan.FromSeconds(20));
    }

    /// <summary>A UDP port free on 127.0.0.1 just now.</summary>
    public static int FreePort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Polls <paramref name="condition"/> for up to <paramref name="seconds"/>.</summary>
    public static bool WaitFor(Func<bool> condition, double seconds = 10)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < until)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }
}
