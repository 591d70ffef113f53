using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Config;
using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Runtime;
using Secnet.Sites;
using Secnet.Transforms;

namespace Secnet.Modules;

/// <summary>The <c>site</c>, <c>udp</c> and <c>adns</c> closures (config.md §4.1, §4.3, §4.13).</summary>
public static class SiteModules
{
    private static readonly IReadOnlyDictionary<string, int> LogEventWords = BuildLogEventWords();
    private static int _udpInstances;

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("adns", Adns);
        registry.Register("udp", Udp);
        registry.Register("site", SiteClosure);
    }

    private static Dictionary<string, int> BuildLogEventWords()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (word, value) in SiteLogEventNames.Words) d[word] = unchecked((int)value);
        return d;
    }

    // ---- adns -------------------------------------------------------------------------------

    private static IReadOnlyList<Item> Adns(Invocation inv)
    {
        var r = inv.DictArgument("adns");
        DnsUdpClient? client = null;
        if (r.GetString("config") is { } text)
        {
            // The text replaces resolv.conf for this resolver: its servers are asked directly.
            var config = AdnsConfig.Parse(text, out var error) ?? throw r.ErrorAt(r.Raw("config")![0], error!);
            client = new DnsUdpClient(config);
        }
        var modules = inv.Modules;
        var resolver = new DnsResolver(() => modules.Get<IScheduler>(), modules.Log, client);
        return [new ClosureItem("adns", ClosureType.Resolver, resolver)];
    }

    // ---- udp --------------------------------------------------------------------------------

    private static IReadOnlyList<Item> Udp(Invocation inv)
    {
        var r = inv.DictArgument("udp");
        var buffer = r.GetClosureItem("buffer", ClosureType.Buffer, required: true)!;
        var authbind = r.GetString("authbind");
        int port = r.GetNumber("port", 0);
        List<IPAddress>? addresses = null;
        if (r.Raw("address") is { } list)
        {
            if (list.Count is < 1 or > 3) throw r.Error("`address' must be 1..3 addresses");
            addresses = new List<IPAddress>(list.Count);
            foreach (var item in list)
            {
                if (item is not StringItem s) throw r.ErrorAt(item, "expecting a string IP (v4 or v6) address");
                if (!TryParseInetPton(s.Value, out var ip))
                {
                    inv.Modules.Log.Log(LogClass.Error, $"adns_text2addr: invalid: inet_pton rejected: `{s.Value}'");
                    throw r.Error("invalid IP (v4 or v6) address: Invalid argument");
                }
                addresses.Add(ip);
            }
        }
        ReadProxy(r);
        int size = buffer.Value is SysBuffer sb ? sb.Size : SysBuffer.DefaultSize;
        int instance = Interlocked.Increment(ref _udpInstances) - 1;
        var options = new UdpCommOptions
        {
            Addresses = addresses, Port = port, Authbind = authbind, BufferSize = size,
            InstanceName = $"udp#{instance}@l{inv.Location.Line}", Location = inv.Location.ToString(),
        };
        var comm = new UdpComm(options, inv.Modules.Log, NetlinkModules.PoolOf(inv));
        if (!inv.Modules.JustCheck && inv.Modules.Find<PhaseRunner>() is { } phases)
        {
            phases.Register(Phase.GetResources, _ =>
            {
                if (comm.Open() is { } error) throw new SecnetFatalException(Phase.GetResources, error);
            });
            var loop = SharedPacketLoop.Of(inv.Modules)!;
            phases.Register(Phase.Run, _ => comm.StartReceiving(loop));
            phases.Register(Phase.Shutdown, _ => comm.Dispose());
            inv.Modules.Find<SignalHandling>()?.Register(SignalHandling.SIGUSR1, _ => comm.ReportCounters());
        }
        return [new ClosureItem("udp", ClosureType.Comm, comm)];
    }

    private static void ReadProxy(ArgReader r)
    {
        if (r.Raw("proxy") is not { } proxy) return;
        if (proxy.Count < 2 || proxy[0] is not StringItem a || proxy[1] is not NumberItem
            || !IPAddress.TryParse(a.Value, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || a.Value.Split('.').Length != 4)
            throw r.Error("proxy must supply addr,port");
        throw r.Error("proxy is not supported by this implementation");
    }

    /// <summary>inet_pton's rules: dotted quads only for IPv4, no brackets, no scope names.</summary>
    private static bool TryParseInetPton(string text, out IPAddress ip)
    {
        ip = IPAddress.None;
        if (text.Length == 0 || text[0] == '[' || text.Contains('%')) return false;
        if (!IPAddress.TryParse(text, out var parsed)) return false;
        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length != 4) return false;
        ip = parsed;
        return true;
    }

    // ---- site -------------------------------------------------------------------------------

    private static IReadOnlyList<Item> SiteClosure(Invocation inv)
    {
        var r = inv.DictArgument("site", "parameter must be a dictionary");
        var log = r.GetClosure<ILog>("log", ClosureType.Log, required: true)!;
        var events = (SiteLogEvents)unchecked((uint)r.GetFlags("log-events", LogEventWords));
        var localName = r.GetString("local-name", required: true)!;
        var name = r.GetString("name", required: true)!;
        bool keepalive = r.GetBoolOr("keepalive", false);
        bool mobile = r.GetBoolOr("mobile", false);
        bool localMobile = r.GetBoolOr("local-mobile", false);
        if (localName == name)
        {
            if (mobile != localMobile)
                throw r.Error($"site {name}'s peer-mobile={(mobile ? 1 : 0)} but our local-mobile={(localMobile ? 1 : 0)}");
            return [];
        }
        if (mobile && localMobile)
        {
            inv.Modules.Log.Log(LogClass.Warning, $"site {name}: site is mobile but so are we -> ignoring this site");
            return [];
        }
        var link = r.GetClosure<INetlinkClient>("link", ClosureType.Netlink, required: true)!;
        var comms = ClosureList<IComm>(r, "comm", ClosureType.Comm);
        if (r.GetDict("comm-info") is { } commInfo)
            for (int i = 0; i < comms.Length; i++) comms[i] = PolypathModules.ForSite(comms[i], commInfo, inv.Modules.Log);
        var resolver = r.GetClosure<IResolver>("resolver", ClosureType.Resolver, required: true)!;
        var random = r.GetClosure<IRandomSource>("random", ClosureType.RandomSrc, required: true)!;
        var keyCache = r.GetClosure<IPrivateKeySource>("key-cache", ClosureType.PrivCache);
        ISigningKey? localKey = keyCache is not null ? null : r.GetClosure<ISigningKey>("local-key", ClosureType.SigPrivKey, required: true);
        // peer-keys overrides key (README): the key-set file is the peer's keys from now on.
        PeerKeyFiles? peerKeys = null;
        IVerifyKey? peerKey = null;
        string? keyNotice = null;
        if (r.GetString("peer-keys") is { } peerKeysPath)
        {
            peerKeys = new PeerKeyFiles(peerKeysPath, inv.Modules.Log);
            peerKeys.LoadLive();
        }
        else
        {
            peerKey = r.GetClosure<IVerifyKey>("key", ClosureType.SigPubKey);
            if (peerKey is null) r.GetString("peer-keys", required: true);
            keyNotice = $"{localName}<->{name}: using old-style fixed peer public key (no `peer-keys')";
            if (!inv.Modules.Reloading) inv.Modules.Log.Log(LogClass.Info, keyNotice);
        }
        var addresses = r.GetStringList("address");
        int port = addresses is null ? 0 : r.GetNumber("port", required: true)!.Value;
        var transforms = ClosureList<ITransform>(r, "transform", ClosureType.Transform);
        var dh = r.GetClosure<IDiffieHellman>("dh", ClosureType.Dh, required: true)!;
        var options = new SiteOptions
        {
            Log = log, LogEvents = events, LocalName = localName, Name = name,
            Keepalive = keepalive, Mobile = mobile, LocalMobile = localMobile,
            Random = random,
            LocalKey = localKey, PrivateKeys = keyCache,
            PeerKey = peerKey, PeerKeys = peerKeys,
            Addresses = addresses is null ? [] : addresses.Select(a => a.Value).ToArray(),
            Port = port, Transforms = transforms, Dh = dh,
            KeyLifetimeMs = r.GetNumber("key-lifetime"),
            SetupRetries = r.GetNumber("setup-retries"),
            SetupTimeoutMs = r.GetNumber("setup-timeout"),
            WaitTimeMs = r.GetNumber("wait-time"),
            MtuTarget = r.GetNumber("mtu-target", 0),
            LinkMtu = link is NetlinkClient nc ? nc.Mtu : 1000,
            MobilePeerExpirySeconds = r.GetNumber("mobile-peer-expiry", 120),
        };
        options = options with { PeersMax = r.GetNumber(options.PeersMaxKey) };
        options = options with { RenegotiateTimeMs = r.GetNumber("renegotiate-time") };
        if (options.Validate() is { } error) throw r.Error(error);

        var allocator = inv.Modules.Find<SiteIndexAllocator>();
        if (allocator is null) inv.Modules.Set(allocator = new SiteIndexAllocator());
        var configured = new ConfiguredSite(options, allocator.Next(), link, comms, resolver) { ConfigurationNotice = keyNotice };
        var directory = inv.Modules.Find<SiteDirectory>();
        if (directory is null) inv.Modules.Set(directory = new SiteDirectory());
        directory.Add(configured);
        if (!inv.Modules.JustCheck && inv.Modules.Find<PhaseRunner>() is { } phases)
        {
            var modules = inv.Modules;
            phases.Register(Phase.Run, _ =>
            {
                if (configured.Selected) configured.Create(modules.Get<IScheduler>(), SharedCryptoWorkers.Of(modules)).Start();
            });
            phases.Register(Phase.Shutdown, _ => configured.Instance?.Shutdown());
            modules.Find<SignalHandling>()?.Register(SignalHandling.SIGUSR1, _ => configured.Instance?.ReportCounters());
        }
        return [new ClosureItem(name, ClosureType.Site, configured)];
    }

    /// <summary>A list of one or more closures of one type, with 0.6.7's list messages.</summary>
    private static T[] ClosureList<T>(ArgReader r, string key, ClosureType type) where T : class
    {
        var list = r.Raw(key);
        if (list is null || list.Count == 0) throw r.Error($"closure list \"{key}\" not found");
        var result = new T[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is not ClosureItem c) throw r.Error($"{key} is not a closure");
            if (c.Type != type || c.Value is not T value)
                throw r.Error($"\"{key}\" is the wrong type of closure (expected {type.Name()}, got {c.Type.Name()})");
            result[i] = value;
        }
        return result;
    }
}
