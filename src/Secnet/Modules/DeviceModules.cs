using Secnet.Config;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Runtime;

namespace Secnet.Modules;

/// <summary>
/// The kernel-facing netlink devices: <c>tun</c>, <c>tun-old</c> (config.md §4.9) and
/// <c>userv-ipif</c> (§4.10). The generic netlink keys and the two-stage closures come from
/// <see cref="NetlinkModules"/>; this file reads each device's own keys in secnet's order, with
/// secnet's errors. Nothing is opened here: devices open at PHASE_GETRESOURCES / PHASE_RUN,
/// so <c>-j</c> needs neither root nor /dev/net/tun.
/// </summary>
public static class DeviceModules
{
    private static readonly IReadOnlyDictionary<string, int> FlavourWords = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["guess"] = (int)TunFlavour.Guess,
        ["bsd"] = (int)TunFlavour.Bsd,
        ["BSD"] = (int)TunFlavour.Bsd,
        ["linux"] = (int)TunFlavour.Linux,
        ["streams"] = (int)TunFlavour.Streams,
        ["STREAMS"] = (int)TunFlavour.Streams,
    };

    private static readonly IReadOnlyDictionary<string, int> ConfigTypeWords = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["guess"] = (int)TunConfigType.Guess,
        ["ioctl"] = (int)TunConfigType.Ioctl,
        ["bsd"] = (int)TunConfigType.Bsd,
        ["BSD"] = (int)TunConfigType.Bsd,
        ["linux"] = (int)TunConfigType.Linux,
        ["solaris-2.5"] = (int)TunConfigType.Solaris25,
    };

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register("tun", invocation => CreateTun(invocation, obsolete: false));
        registry.Register("tun-old", invocation => CreateTun(invocation, obsolete: true));
        registry.Register("userv-ipif", invocation => NetlinkModules.CreateDevice(invocation, "userv-ipif",
            UservIpifNetlink.DefaultName, supportsSoftRoutes: false, (reader, options, inv) =>
            {
                new ArgReader("name", reader.Location, reader.Dict).GetClosureItem("buffer", ClosureType.Buffer, required: true);
                // userv-ipif's request names one IPv4 address pair and IPv4 networks, and its
                // interface is SLIP, which carries IPv4 only: there is no way to ask it for IPv6.
                if (options.Ipv6Enabled)
                    throw reader.Error("userv-ipif cannot carry IPv6 (its protocol and SLIP are IPv4 only); remove local-address6 or use tun");
                var userv = new UservIpifOptions
                {
                    UservPath = reader.GetString("userv-path", UservIpifArguments.DefaultUservPath),
                    ServiceUser = reader.GetString("service-user", UservIpifArguments.DefaultServiceUser),
                    ServiceName = reader.GetString("service-name", UservIpifArguments.DefaultServiceName),
                };
                return new UservIpifNetlink(options, userv, inv.Modules.Log, NetlinkModules.PoolOf(inv))
                {
                    Fatal = RunFatal.Route(inv.Modules.Find<IScheduler>(), inv.Modules.Log),
                };
            }));
    }

    private static IReadOnlyList<Item> CreateTun(Invocation invocation, bool obsolete)
    {
        if (obsolete && invocation.Modules.Log.IsEnabled(LogClass.Warning))
            invocation.Modules.Log.Log(LogClass.Warning, $"({invocation.Location.File},{invocation.Location.Line}): " +
                "obsolete use of tun-old; replace with tun and specify flavour \"bsd\".");
        return NetlinkModules.CreateDevice(invocation, "tun", TunNetlink.DefaultName, supportsSoftRoutes: true,
            (reader, options, inv) =>
            {
                var tun = ReadTunOptions(reader, obsolete ? TunFlavour.Bsd : TunFlavour.Guess);
                return new TunNetlink(options, tun, inv.Modules.Log, NetlinkModules.PoolOf(inv))
                {
                    PacketLoop = SharedPacketLoop.Of(inv.Modules),
                    Fatal = RunFatal.Route(inv.Modules.Find<IScheduler>(), inv.Modules.Log),
                };
            });
    }

    /// <summary>The tun keys after the generic ones: flavour first, then the table order of
    /// config.md §4.9, then <c>buffer</c>, and only then the consistency checks.</summary>
    private static TunOptions ReadTunOptions(ArgReader reader, TunFlavour defaultFlavour)
    {
        var flavour = ReadWord(reader, "flavour", "tun-flavour", FlavourWords, (int)defaultFlavour);
        var device = reader.GetString("device");
        var ipPath = reader.GetString("ip-path", "/dev/ip");
        var interfaceName = reader.GetString("interface");
        var interfaceSearch = reader.GetBoolOr("interface-search", device is null);
        var ifconfigType = ReadWord(reader, "ifconfig-type", "ifconfig-type", ConfigTypeWords, (int)TunConfigType.Guess);
        var routeType = ReadWord(reader, "route-type", "route-type", ConfigTypeWords, (int)TunConfigType.Guess);
        var ifconfigPath = reader.GetString("ifconfig-path");
        var routePath = reader.GetString("route-path");
        var offload = reader.GetBoolOr("offload", true);
        new ArgReader("tun-netlink", reader.Location, reader.Dict).GetClosureItem("buffer", ClosureType.Buffer, required: true);

        var options = new TunOptions
        {
            Flavour = (TunFlavour)flavour,
            DevicePath = device,
            IpPath = ipPath,
            Interface = interfaceName,
            InterfaceSearch = interfaceSearch,
            IfconfigType = (TunConfigType)ifconfigType,
            RouteType = (TunConfigType)routeType,
            IfconfigPath = ifconfigPath,
            RoutePath = routePath,
            Offload = offload,
        };
        if (options.EffectiveFlavour == TunFlavour.Bsd)
        {
            if (interfaceSearch && interfaceName is not null)
                throw reader.Error("you may not specify an interface name in interface-search mode");
            if (!interfaceSearch && interfaceName is null)
                throw reader.Error("you must specify an interface name when you explicitly specify a TUN device file");
        }
        if (options.EffectiveIfconfigType == TunConfigType.Ioctl && ifconfigPath is not null)
            throw reader.Error("ifconfig-type \"ioctl\" is incompatible with ifconfig-path");
        if (options.EffectiveRouteType == TunConfigType.Ioctl && routePath is not null)
            throw reader.Error("route-type \"ioctl\" is incompatible with route-path");
        return options;
    }

    /// <summary>A single word from a fixed set; unknown words are reported under
    /// <paramref name="facility"/> as secnet's string_to_word does.</summary>
    private static int ReadWord(ArgReader reader, string key, string facility,
        IReadOnlyDictionary<string, int> words, int defaultValue)
    {
        var word = reader.GetString(key);
        if (word is null) return defaultValue;
        if (!words.TryGetValue(word, out var value))
            throw new ConfigException(facility, reader.Location, $"option \"{word}\" not known");
        return value;
    }
}
