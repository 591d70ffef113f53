using Secnet.Config;
using Secnet.Modules;
using Secnet.Netlink;

namespace Secnet.Tests.Netlink;

/// <summary>The IPv6 keys of netlink devices and their clients.</summary>
public class Ipv6ConfigTests
{
    private readonly ModuleContext _context = new(new CapturingLog(), justCheck: true);
    private const string F = "v6.conf";

    private static Location L(int line) => new(F, line);

    private static Item[] S(int line, params string[] values) => values.Select(v => (Item)new StringItem(v, L(line))).ToArray();

    private ClosureItem Invoke(ClosureApply apply, ConfigDict dict, int line) =>
        (ClosureItem)Assert.Single(apply(new Invocation(L(line), dict, [new DictItem(dict, L(line))], _context)));

    private static ClosureApply NullNetlink()
    {
        var r = new ModuleRegistry();
        NetlinkModules.Register(r);
        return ((ClosureItem)r.Entries.Single(e => e.Key == "null-netlink").Value).Apply!;
    }

    private static ConfigDict Device(params (string Key, string[] Values)[] extra)
    {
        var d = new ConfigDict(null);
        d.TryAdd("local-address", S(2, "10.1.0.1"), L(2));
        d.TryAdd("secnet-address", S(2, "10.1.0.2"), L(2));
        d.TryAdd("mtu", [new NumberItem(1400, L(2))], L(2));
        foreach (var (k, v) in extra) d.TryAdd(k, S(3, v), L(3));
        return d;
    }

    private static ConfigDict Client(params (string Key, string[] Values)[] entries)
    {
        var d = new ConfigDict(null);
        d.TryAdd("name", S(5, "site"), L(5));
        foreach (var (k, v) in entries) d.TryAdd(k, S(5, v), L(5));
        return d;
    }

    private string Error(Action a) => Assert.Throws<ConfigException>(a).Message;

    [Fact]
    public void KeysAreRead()
    {
        var device = Invoke(NullNetlink(), Device(("local-address6", ["2001:db8:1::1"]), ("secnet-address6", ["2001:db8:1::2"]),
            ("networks6", ["2001:db8:1::/48"]), ("remote-networks6", ["2001:db8::/32"])), 2);
        var netlink = (NetlinkDevice)device.Value!;
        Assert.True(netlink.Options.Ipv6Enabled);
        Assert.Equal(Ipv6Address.Parse("2001:db8:1::2"), netlink.Options.SecnetAddress6);
        Assert.Equal("2001:db8:1::/48 ", netlink.Options.Networks6.ToDisplayString());
        var client = (NetlinkClient)Invoke(device.Apply!, Client(("routes", ["10.3.0.0/24"]), ("routes6", ["2001:db8:3::/48"])), 5).Value!;
        Assert.Equal("2001:db8:3::/48 ", client.Routes6.ToDisplayString());
        Assert.Equal("10.3.0.0/24 ", client.Routes.ToDisplayString());
    }

    [Fact]
    public void Ipv6InRoutesAsMakeSecnetSitesWritesIt()
    {
        var device = Invoke(NullNetlink(), Device(("local-address6", ["2001:db8:1::1"]), ("secnet-address6", ["2001:db8:1::2"])), 2);
        var client = (NetlinkClient)Invoke(device.Apply!, Client(("routes", ["2001:db8:2::/48", "198.51.100.0/24"])), 5).Value!;
        Assert.Equal("2001:db8:2::/48 ", client.Routes6.ToDisplayString());
        Assert.Equal("198.51.100.0/24 ", client.Routes.ToDisplayString());
    }

    [Fact]
    public void RoutesOutsideRemoteNetworks6AreRefused()
    {
        var device = Invoke(NullNetlink(), Device(("local-address6", ["2001:db8:1::1"]), ("secnet-address6", ["2001:db8:1::2"]),
            ("remote-networks6", ["2001:db8:2::/48"])), 2);
        Assert.Equal($"config error (null-netlink, {F}:5): routes6 are not allowed (outside remote-networks6)",
            Error(() => Invoke(device.Apply!, Client(("routes", ["10.3.0.0/24"]), ("routes6", ["2001:db8:3::/48"])), 5)));
    }

    [Fact]
    public void ModeKeysMustMatch()
    {
        Assert.Equal($"config error (null-netlink, {F}:2): local-address6 in a router-mode netlink needs secnet-address6",
            Error(() => Invoke(NullNetlink(), Device(("local-address6", ["2001:db8:1::1"])), 2)));
        Assert.Equal($"config error (null-netlink, {F}:2): secnet-address6 and ptp-address6 need local-address6",
            Error(() => Invoke(NullNetlink(), Device(("secnet-address6", ["2001:db8:1::1"])), 2)));
        Assert.Equal($"config error (null-netlink, {F}:2): a router-mode netlink takes secnet-address6, not ptp-address6",
            Error(() => Invoke(NullNetlink(), Device(("local-address6", ["2001:db8:1::1"]), ("secnet-address6", ["2001:db8:1::2"]), ("ptp-address6", ["2001:db8:1::3"])), 2)));
    }

    [Fact]
    public void BadValuesNameTheKey()
    {
        Assert.Equal($"config error (netlink, {F}:3): \"2001:db8::zz\" is not a valid IPv6 address",
            Error(() => Invoke(NullNetlink(), Device(("local-address6", ["2001:db8::zz"]), ("secnet-address6", ["2001:db8:1::2"])), 2)));
        Assert.Equal($"config error (networks6, {F}:3): \"2001:db8::1/32\": prefix not fully contained in mask",
            Error(() => Invoke(NullNetlink(), Device(("networks6", ["2001:db8::1/32"])), 2)));
    }
}
