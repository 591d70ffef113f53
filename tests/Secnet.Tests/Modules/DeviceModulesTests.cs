using Secnet.Config;
using Secnet.Modules;
using Secnet.Netlink;
using Secnet.Tests.Netlink;

namespace Secnet.Tests.Modules;

/// <summary>tun, tun-old and userv-ipif closures, with dictionaries built as the corpus files
/// (testvectors/config/*tun*, *userv*) write them; expected texts from EXPECTED.tsv.</summary>
public sealed class DeviceModulesTests
{
    private const string File = "t.conf";
    private readonly ModuleRegistry _registry = ModuleRegistry.CreateDefault();
    private readonly TunDeviceTests.RecordingLog _log = new();
    private readonly ModuleContext _context;
    private readonly ConfigDict _root = new(null);

    public DeviceModulesTests() => _context = new ModuleContext(_log, justCheck: true);

    private static Item Value(object v, int line) => v switch
    {
        string s => new StringItem(s, new Location(File, line)),
        int n => new NumberItem((uint)n, new Location(File, line)),
        bool b => new BoolItem(b, null),
        Item i => i,
        _ => throw new ArgumentException("unsupported value", nameof(v)),
    };

    private ConfigDict Dict(int line, params (string Key, object Value)[] entries)
    {
        var dict = new ConfigDict(_root);
        foreach (var (key, value) in entries)
            dict.TryAdd(key, value is object[] list ? list.Select(v => Value(v, line)).ToArray() : [Value(value, line)],
                new Location(File, line));
        return dict;
    }

    private static ClosureItem Buffer => new("sysbuffer", ClosureType.Buffer, null);

    private IReadOnlyList<Item> Invoke(string closure, ConfigDict dict, int line) => Invoke(
        (ClosureItem)_registry.Entries.Single(e => e.Key == closure).Value, dict, line);

    private IReadOnlyList<Item> Invoke(ClosureItem closure, ConfigDict dict, int line) =>
        closure.Apply!(new Invocation(new Location(File, line), _root, [new DictItem(dict, new Location(File, line))], _context));

    /// <summary>A run-time fatal error of a device (its reader found the tun gone, a route change
    /// was refused) must end the daemon through the event loop and SHUTDOWN, as every other fatal
    /// error does; before, the device called Environment.Exit on the spot, which skipped MSG7 to the
    /// peers and the cleanup (and here would kill the test host).</summary>
    [Theory]
    [InlineData("tun")]
    [InlineData("userv-ipif")]
    public void DeviceFatalErrorsGoThroughTheEventLoop(string closure)
    {
        var loop = new Secnet.Runtime.EventLoop();
        _context.Set<Secnet.Runtime.IScheduler>(loop);
        var entries = closure == "tun"
            ? new[] { ("name", (object)"t"), ("networks", "10.1.0.0/16"), ("local-address", "10.1.0.1"),
                ("secnet-address", "10.1.0.2"), ("interface", "sectest0"), ("buffer", Buffer) }
            : new[] { ("name", (object)"u"), ("networks", "10.1.0.0/16"), ("local-address", "10.1.0.1"),
                ("secnet-address", "10.1.0.2"), ("buffer", Buffer) };
        var device = Assert.IsType<ClosureItem>(Assert.Single(Invoke(closure, Dict(2, entries), 2))).Value;
        Action<string> fatal = device switch
        {
            TunNetlink t => t.Fatal,
            UservIpifNetlink u => u.Fatal,
            _ => throw new InvalidOperationException(device?.GetType().Name),
        };

        var reader = new Thread(() => fatal("tun_set_route: RTM_NEWROUTE: Operation not permitted"));
        reader.Start();
        reader.Join();

        var e = Assert.Throws<Secnet.Runtime.SecnetFatalException>(() => loop.RunPending());
        Assert.Equal(Secnet.Runtime.Phase.Run, e.Phase);
        Assert.Equal("secnet fatal error: tun_set_route: RTM_NEWROUTE: Operation not permitted", e.Line);
    }

    [Fact]
    public void OkTunCreatesARouterDeviceAndASoftClientWithoutOpeningAnything()
    {
        var device = Invoke("tun", Dict(2, ("name", "t"), ("networks", "10.1.0.0/16"), ("local-address", "10.1.0.1"),
            ("secnet-address", "10.1.0.2"), ("mtu", 1400), ("interface", "sectest0"), ("buffer", Buffer)), 2);
        var pure = Assert.IsType<ClosureItem>(Assert.Single(device));
        Assert.Equal(ClosureType.Pure, pure.Type);
        var tun = Assert.IsType<TunNetlink>(pure.Value);
        Assert.Equal("t", tun.Name);
        Assert.Null(tun.InterfaceName);

        var client = Assert.Single(Invoke(pure, Dict(3, ("name", "peer"), ("routes", "10.2.0.0/16"), ("options", "soft")), 3));
        Assert.Equal(ClosureType.Netlink, Assert.IsType<ClosureItem>(client).Type);
        Assert.True(Assert.Single(tun.Clients).IsSoft);
        Assert.Contains("netlink: soft routes", _context.RootRequiredFeatures);
    }

    [Fact]
    public void OkTunFlavourLinuxWithIoctlTypes()
    {
        var device = Invoke("tun", Dict(2, ("flavour", "linux"), ("ifconfig-type", "ioctl"), ("route-type", "ioctl"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2);
        Assert.Equal(TunNetlink.DefaultName, Assert.IsType<TunNetlink>(((ClosureItem)device[0]).Value).Name);
    }

    [Fact]
    public void OffloadIsOnUnlessTheOffloadKeySaysFalse()
    {
        var byDefault = Invoke("tun", Dict(2, ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"),
            ("buffer", Buffer)), 2);
        Assert.True(Assert.IsType<TunNetlink>(((ClosureItem)byDefault[0]).Value).OffloadRequested);
        var off = Invoke("tun", Dict(3, ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"),
            ("offload", false), ("buffer", Buffer)), 3);
        Assert.False(Assert.IsType<TunNetlink>(((ClosureItem)off[0]).Value).OffloadRequested);
    }

    [Fact]
    public void IoctlTypeWithAnIfconfigPathIsRejected()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("ifconfig-path", "/sbin/ifconfig"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2));
        Assert.Equal("config error (tun, t.conf:2): ifconfig-type \"ioctl\" is incompatible with ifconfig-path", e.Message);
    }

    [Fact]
    public void IoctlRouteTypeWithARoutePathIsRejected()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("route-path", "/sbin/route"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2));
        Assert.Equal("config error (tun, t.conf:2): route-type \"ioctl\" is incompatible with route-path", e.Message);
    }

    [Fact]
    public void MissingBufferIsReportedUnderTunNetlink()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("local-address", "10.1.0.1"),
            ("secnet-address", "10.1.0.2")), 2));
        Assert.Equal("config error (tun-netlink, t.conf:2): required parameter \"buffer\" not found", e.Message);
    }

    [Fact]
    public void MissingBufferWinsOverThePathIncompatibility()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("ifconfig-path", "/sbin/ifconfig"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2")), 2));
        Assert.Contains("required parameter \"buffer\" not found", e.Message);
    }

    [Fact]
    public void UnknownFlavourIsReportedUnderTunFlavourBeforeTheMissingBuffer()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("flavour", "plan9"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2")), 2));
        Assert.Equal("config error (tun-flavour, t.conf:2): option \"plan9\" not known", e.Message);
    }

    [Fact]
    public void MissingLocalAddressWinsOverTheMissingBuffer()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("secnet-address", "10.1.0.2")), 2));
        Assert.Equal("config error (netlink, t.conf:2): required parameter \"local-address\" not found", e.Message);
    }

    [Fact]
    public void TunOldWarnsAndDefaultsToBsdWhichNeedsAnInterfaceRule()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun-old", Dict(4, ("local-address", "10.1.0.1"),
            ("secnet-address", "10.1.0.2"), ("device", "/dev/tun0"), ("buffer", Buffer)), 4));
        Assert.Equal("config error (tun, t.conf:4): you must specify an interface name when you explicitly specify a TUN device file", e.Message);
        Assert.Contains((Secnet.Log.LogClass.Warning,
            "(t.conf,4): obsolete use of tun-old; replace with tun and specify flavour \"bsd\"."), _log.Lines);
    }

    [Fact]
    public void BsdInterfaceSearchWithAnInterfaceIsRejected()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("tun", Dict(2, ("flavour", "BSD"), ("interface", "tun3"),
            ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2));
        Assert.EndsWith("you may not specify an interface name in interface-search mode", e.Message);
    }

    [Fact]
    public void OkUservIpifKeepsItsOptionsInTheArgumentVector()
    {
        var device = Invoke("userv-ipif", Dict(2, ("userv-path", "/usr/bin/userv"), ("service-user", "root"),
            ("service-name", "ipif"), ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2);
        var pure = (ClosureItem)device[0];
        var userv = Assert.IsType<UservIpifNetlink>(pure.Value);
        Assert.Equal(UservIpifNetlink.DefaultName, userv.Name);
        var client = (NetlinkClient)((ClosureItem)Invoke(pure, Dict(3, ("name", "peer"), ("routes", "10.2.0.0/16")), 3)[0]).Value!;
        client.SetQuality(Secnet.Netlink.LinkQuality.Down);
        Assert.Equal(["/usr/bin/userv", "root", "ipif", "10.1.0.1,10.1.0.2,1000,slip", "10.2.0.0/16"], userv.BuildArguments());
    }

    [Fact]
    public void UservIpifRejectsSoftRoutes()
    {
        var device = Invoke("userv-ipif", Dict(2, ("local-address", "10.1.0.1"), ("secnet-address", "10.1.0.2"), ("buffer", Buffer)), 2);
        var e = Assert.Throws<ConfigException>(() => Invoke((ClosureItem)device[0],
            Dict(3, ("name", "peer"), ("routes", "10.2.0.0/16"), ("options", "soft")), 3));
        Assert.Equal("config error (netlink-userv-ipif, t.conf:3): this netlink device does not support soft routes.", e.Message);
    }

    [Fact]
    public void UservIpifMissingBufferIsReportedUnderTheLiteralFacilityName()
    {
        var e = Assert.Throws<ConfigException>(() => Invoke("userv-ipif", Dict(2, ("local-address", "10.1.0.1"),
            ("secnet-address", "10.1.0.2")), 2));
        Assert.Equal("config error (name, t.conf:2): required parameter \"buffer\" not found", e.Message);
    }

    [Fact]
    public void UservIpifArgumentsContainOnlyClientsThatHaveStarted()
    {
        var device = Invoke("userv-ipif", Dict(2, ("local-address", "192.0.2.1"), ("ptp-address", "192.0.2.2"),
            ("name", "u"), ("routes", new object[] { "198.51.100.0/25", "198.51.100.128/25" }), ("mtu", 1400), ("buffer", Buffer)), 2);
        var client = (NetlinkClient)((ClosureItem)device[0]).Value!;
        var userv = Assert.IsType<UservIpifNetlink>(Assert.Single(_context.Get<NetlinkDeviceRegistry>().Devices));
        Assert.Equal("", userv.BuildArguments()[4]);
        client.SetQuality(Secnet.Netlink.LinkQuality.Up);
        Assert.Equal("192.0.2.1,192.0.2.2,1400,slip", userv.BuildArguments()[3]);
        Assert.Equal("198.51.100.0/24", userv.BuildArguments()[4]);
    }
}
