using Secnet.Runtime;
using Secnet.Config;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Modules;

/// <summary>
/// The netlink closures (netlink.md §1–3, config.md §4.8): <c>null-netlink</c>, and the two-stage
/// machinery every netlink device shares. Stage 1 reads the device dictionary and returns either
/// an invocable PURE closure (router mode) or, in point-to-point mode, the NETLINK closure of the
/// one client; stage 2 (invoking the PURE closure with a dictionary) creates a client and returns
/// its NETLINK closure. A device module supplies only its device factory.
/// </summary>
public static class NetlinkModules
{
    /// <summary>Reads the device's own keys from <paramref name="reader"/> (after the generic ones
    /// and, in point-to-point mode, after the client keys) and constructs the device.</summary>
    public delegate NetlinkDevice DeviceFactory(ArgReader reader, NetlinkDeviceOptions options, Invocation invocation);

    private static readonly IReadOnlyDictionary<string, int> OptionWords = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["soft"] = (int)NetlinkRouteFlags.Soft,
        ["allow-route"] = (int)NetlinkRouteFlags.AllowRoute,
    };

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("null-netlink", invocation => CreateDevice(invocation, "null-netlink",
            NullNetlink.DefaultName, supportsSoftRoutes: true,
            (reader, options, inv) => new NullNetlink(options, inv.Modules.Log, PoolOf(inv))));
    }

    /// <summary>The buffer pool the runtime offers, or a private one (e.g. under tests).</summary>
    public static BufferPool PoolOf(Invocation invocation)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        var pool = invocation.Modules.Find<BufferPool>();
        if (pool is null)
        {
            pool = new BufferPool();
            invocation.Modules.Set(pool);
        }
        return pool;
    }

    /// <summary>Stage 1 for any netlink device. <paramref name="facility"/> names the module in the
    /// "parameter must be a dictionary" error; <paramref name="defaultName"/> is the device name
    /// when the dictionary has none.</summary>
    public static IReadOnlyList<Item> CreateDevice(Invocation invocation, string facility, string defaultName,
        bool supportsSoftRoutes, DeviceFactory factory)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(factory);
        var reader = invocation.DictArgument(facility, "parameter must be a dictionary");
        var options = ReadDeviceOptions(reader, defaultName);
        NetlinkRouteOptions? ptpRoute = options.IsPointToPoint
            ? ReadRouteOptions(new ArgReader(options.Name, invocation.Location, reader.Dict), options, supportsSoftRoutes, invocation)
            : null;
        var device = factory(reader, options, invocation);
        RegistryOf(invocation).Add(device);
        if (ptpRoute is not null)
        {
            var client = device.AddClient(ptpRoute);
            return [new ClosureItem(options.Name, ClosureType.Netlink, client)];
        }
        return [new ClosureItem(options.Name, ClosureType.Pure, device, inv => CreateClient(inv, device))];
    }

    /// <summary>Stage 2: one client of a router-mode device.</summary>
    private static IReadOnlyList<Item> CreateClient(Invocation invocation, NetlinkDevice device)
    {
        if (invocation.Arg(0) is not DictItem dict)
            throw invocation.Error(device.Name, "must have a dictionary argument");
        var reader = new ArgReader(device.Name, invocation.Location, dict.Dict);
        var route = ReadRouteOptions(reader, device.Options, device.SupportsSoftRoutes, invocation);
        var client = device.AddClient(route);
        return [new ClosureItem(route.Name, ClosureType.Netlink, client)];
    }

    /// <summary>The generic device keys in secnet's order (config.md §4.8).</summary>
    public static NetlinkDeviceOptions ReadDeviceOptions(ArgReader reader, string defaultName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var name = new ArgReader(defaultName, reader.Location, reader.Dict).GetString("name", defaultName);
        var networks = ReadSubnetList(reader, "networks") ?? IpSet.All;
        var remoteNetworks = ReadSubnetList(reader, "remote-networks") ?? IpSet.All;
        var netlink = new ArgReader("netlink", reader.Location, reader.Dict);
        var localAddress = ParseAddress(netlink, AddressItem(netlink, "local-address", required: true)!);
        var secnetItem = AddressItem(netlink, "secnet-address", required: false);
        var ptpItem = AddressItem(netlink, "ptp-address", required: false);
        var options = new NetlinkDeviceOptions
        {
            Name = name,
            Networks = networks,
            RemoteNetworks = remoteNetworks,
            LocalAddress = localAddress,
            SecnetAddress = secnetItem is null ? null : 0,
            PtpAddress = ptpItem is null ? null : 0,
        };
        var modeError = options.Validate();
        if (modeError is not null) throw new ConfigException(name, reader.Location, modeError);
        options = options with
        {
            SecnetAddress = secnetItem is null ? null : ParseAddress(netlink, secnetItem),
            PtpAddress = ptpItem is null ? null : ParseAddress(netlink, ptpItem),
            Mtu = netlink.GetNumber("mtu", NetlinkDeviceOptions.DefaultMtu),
        };
        return ReadIpv6DeviceOptions(reader, options);
    }

    /// <summary>The IPv6 keys (ours; 0.6.7 ignores keys it does not know, so a configuration
    /// with them is still accepted there), read after all of secnet's.</summary>
    private static NetlinkDeviceOptions ReadIpv6DeviceOptions(ArgReader reader, NetlinkDeviceOptions options)
    {
        var netlink = new ArgReader("netlink", reader.Location, reader.Dict);
        var local = AddressItem(netlink, "local-address6", required: false);
        var secnet = AddressItem(netlink, "secnet-address6", required: false);
        var ptp = AddressItem(netlink, "ptp-address6", required: false);
        var result = options with
        {
            Networks6 = ReadPrefixList(reader, "networks6") ?? Ipv6Set.All,
            RemoteNetworks6 = ReadPrefixList(reader, "remote-networks6") ?? Ipv6Set.All,
            LocalAddress6 = local is null ? null : ParseAddress6(netlink, local),
            SecnetAddress6 = secnet is null ? null : ParseAddress6(netlink, secnet),
            PtpAddress6 = ptp is null ? null : ParseAddress6(netlink, ptp),
        };
        var error = result.Validate6();
        if (error is not null) throw new ConfigException(options.Name, reader.Location, error);
        return result;
    }

    /// <summary>The client keys in secnet's order: name, routes, options (then the soft-route
    /// checks), priority, mtu, and last the remote-networks check.</summary>
    public static NetlinkRouteOptions ReadRouteOptions(ArgReader reader, NetlinkDeviceOptions device,
        bool supportsSoftRoutes, Invocation invocation)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(invocation);
        var name = reader.GetString("name", required: true)!;
        if (!reader.Has("routes")) throw reader.Error("required parameter \"routes\" not found");
        var routes = ReadSubnetList(reader, "routes", out var routesIpv6)!;
        var routes6 = ReadPrefixList(reader, "routes6") ?? Ipv6Set.Empty;
        if (routesIpv6.Count > 0)
        {
            var all = new List<Ipv6Prefix>(routesIpv6);
            foreach (var p in routes6.Prefixes) all.Add(p);
            routes6 = Ipv6Set.Of(all);
        }
        var flags = (NetlinkRouteFlags)reader.GetFlags("options", OptionWords);
        if ((flags & NetlinkRouteFlags.Soft) != 0)
        {
            if (!supportsSoftRoutes) throw reader.Error("this netlink device does not support soft routes.");
            invocation.Modules.RootRequiredFeatures.Add("netlink: soft routes");
            if (device.IsPointToPoint) throw reader.Error("point-to-point netlinks do not support soft routes.");
        }
        var priority = reader.GetNumber("priority", 0);
        var mtu = reader.GetNumber("mtu", 0);
        if (!routes.IsSubsetOf(device.RemoteNetworks)) throw reader.Error("routes are not allowed");
        if (!routes6.IsSubsetOf(device.RemoteNetworks6)) throw reader.Error("routes6 are not allowed (outside remote-networks6)");
        return new NetlinkRouteOptions { Name = name, Routes = routes, Routes6 = routes6, Flags = flags, Priority = priority, Mtu = mtu };
    }

    /// <summary>A subnet list; errors name the key as facility and point at the entry.</summary>
    private static IpSet? ReadSubnetList(ArgReader reader, string key) => ReadSubnetList(reader, key, null);

    /// <summary>A subnet list where IPv6 prefixes (text with a colon) are taken too, into
    /// <paramref name="ipv6"/>: make-secnet-sites writes a site's IPv6 networks into its
    /// <c>routes</c>. (0.6.7 rejects such a list; see README "IPv6".)</summary>
    private static IpSet? ReadSubnetList(ArgReader reader, string key, out List<Ipv6Prefix> ipv6)
    {
        ipv6 = new List<Ipv6Prefix>();
        return ReadSubnetList(reader, key, ipv6);
    }

    private static IpSet? ReadSubnetList(ArgReader reader, string key, List<Ipv6Prefix>? ipv6)
    {
        var items = reader.Raw(key);
        if (items is null) return null;
        var keyReader = new ArgReader(key, reader.Location, reader.Dict);
        var specs = new List<SubnetSpec>(items.Count);
        foreach (var item in items)
        {
            if (item is not StringItem s) throw keyReader.ErrorAt(item, "expecting a string (subnet specification)");
            if (ipv6 is not null && s.Value.Contains(':', StringComparison.Ordinal))
            {
                if (!Ipv6Prefix.TryParse(s.Value, out var prefix, out var error6)) throw keyReader.ErrorAt(item, error6!);
                ipv6.Add(prefix);
                continue;
            }
            if (!SubnetSpec.TryParse(s.Value, out var spec, out var error)) throw keyReader.ErrorAt(item, error!);
            specs.Add(spec);
        }
        return IpSet.FromSpecs(specs);
    }

    /// <summary>An IPv6 prefix list (networks6, remote-networks6, routes6).</summary>
    private static Ipv6Set? ReadPrefixList(ArgReader reader, string key)
    {
        var items = reader.Raw(key);
        if (items is null) return null;
        var keyReader = new ArgReader(key, reader.Location, reader.Dict);
        var prefixes = new List<Ipv6Prefix>(items.Count);
        foreach (var item in items)
        {
            if (item is not StringItem s) throw keyReader.ErrorAt(item, "expecting a string (IPv6 prefix)");
            if (!Ipv6Prefix.TryParse(s.Value, out var prefix, out var error)) throw keyReader.ErrorAt(item, error!);
            prefixes.Add(prefix);
        }
        return Ipv6Set.Of(prefixes);
    }

    private static UInt128 ParseAddress6(ArgReader reader, Item item)
    {
        if (item is not StringItem s) throw reader.ErrorAt(item, "expecting a string (IPv6 address)");
        if (!Ipv6Address.TryParse(s.Value, out var address)) throw reader.ErrorAt(item, $"\"{s.Value}\" is not a valid IPv6 address");
        return address;
    }

    private static Item? AddressItem(ArgReader reader, string key, bool required)
    {
        var list = reader.Raw(key);
        if (list is null)
        {
            if (required) throw reader.Error($"required parameter \"{key}\" not found");
            return null;
        }
        if (list.Count != 1)
            throw new ConfigException(reader.Facility, list[0].Location ?? reader.Location, $"parameter \"{key}\" has wrong number of values");
        return list[0];
    }

    private static uint ParseAddress(ArgReader reader, Item item)
    {
        if (item is not StringItem s) throw reader.ErrorAt(item, "expecting a string (IP address)");
        if (!Ipv4Address.TryParse(s.Value, out var address, out var error)) throw reader.ErrorAt(item, error!);
        return address;
    }

    private static NetlinkDeviceRegistry RegistryOf(Invocation invocation)
    {
        var registry = invocation.Modules.Find<NetlinkDeviceRegistry>();
        if (registry is null)
        {
            registry = new NetlinkDeviceRegistry();
            invocation.Modules.Set(registry);
            HookIntoPhases(invocation.Modules, registry);
        }
        return registry;
    }

    /// <summary>
    /// Devices follow the daemon's phases like secnet's netlink phase hooks: the routing table is
    /// built and dumped at SETUP (so also under -j), devices open at GETRESOURCES (before privileges
    /// are dropped), start reading at RUN, close at SHUTDOWN; SIGUSR1 dumps the routes.
    /// </summary>
    private static void HookIntoPhases(ModuleContext modules, NetlinkDeviceRegistry registry)
    {
        if (modules.Find<PhaseRunner>() is { } phases)
        {
            phases.Register(Phase.Setup, _ => registry.SetupAll());
            phases.Register(Phase.GetResources, p => Fatal(p, registry.AcquireResourcesAll));
            phases.Register(Phase.Run, p => Fatal(p, registry.StartAll));
            phases.Register(Phase.Shutdown, _ => registry.ShutdownAll());
        }
        modules.Find<SignalHandling>()?.Register(SignalHandling.SIGUSR1, _ => registry.DumpRoutesAll());
    }

    /// <summary>Devices report open/configure failures as IOException with secnet's text: fatal.</summary>
    private static void Fatal(Phase phase, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            throw new SecnetFatalException(phase, e.Message);
        }
    }
}
