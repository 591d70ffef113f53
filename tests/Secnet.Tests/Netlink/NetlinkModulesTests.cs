using Secnet.Config;
using Secnet.Modules;
using Secnet.Netlink;

namespace Secnet.Tests.Netlink;

/// <summary>The netlink entries of the configuration corpus (testvectors/config/*netlink*), with
/// the dictionaries built by hand as the evaluator would build them (one line per corpus line).</summary>
public class NetlinkModulesTests
{
    private readonly ModuleContext _context = new(new CapturingLog(), justCheck: true);

    private static Location L(string file, int line) => new(file, line);

    private static ConfigDict Dict(params (string Key, Item[] Value)[] entries)
    {
        var d = new ConfigDict(null);
        foreach (var (k, v) in entries) d.TryAdd(k, v, v.Length > 0 ? v[0].Location : null);
        return d;
    }

    private static Item[] S(Location l, params string[] values) => values.Select(v => (Item)new StringItem(v, l)).ToArray();

    private static Item[] N(Location l, uint v) => [new NumberItem(v, l)];

    private ClosureItem Invoke(ClosureApply apply, ConfigDict dict, Location at) =>
        (ClosureItem)Assert.Single(apply(new Invocation(at, dict, [new DictItem(dict, at)], _context)));

    private static ClosureApply NullNetlink()
    {
        var r = new ModuleRegistry();
        NetlinkModules.Register(r);
        var item = (ClosureItem)r.Entries.Single(e => e.Key == "null-netlink").Value;
        return item.Apply!;
    }

    private static ConfigDict RouterDevice(string file, int line) =>
        Dict(("local-address", S(L(file, line), "10.1.0.1")), ("secnet-address", S(L(file, line), "10.1.0.2")));

    private string Error(Action a) => Assert.Throws<ConfigException>(a).Message;

    [Fact]
    public void BadOption()
    {
        const string f = "bad-netlink-bad-option.conf";
        var device = Invoke(NullNetlink(), RouterDevice(f, 2), L(f, 2));
        var client = Dict(("name", S(L(f, 3), "x")), ("routes", S(L(f, 3), "10.3.0.0/24")), ("options", S(L(f, 3), "fast")));
        Assert.Equal($"config error (null-netlink, {f}:3): option \"fast\" not known", Error(() => Invoke(device.Apply!, client, L(f, 3))));
    }

    [Fact]
    public void BadSubnet()
    {
        const string f = "bad-netlink-bad-subnet.conf";
        var d = RouterDevice(f, 2);
        d.TryAdd("networks", S(L(f, 2), "10.1.0.1/16"), L(f, 2));
        Assert.Equal($"config error (networks, {f}:2): \"10.1.0.1/16\": prefix not fully contained in mask", Error(() => Invoke(NullNetlink(), d, L(f, 2))));
    }

    [Fact]
    public void InstanceWithoutNameOrRoutes()
    {
        const string f = "bad-netlink-instance-no-name.conf";
        var device = Invoke(NullNetlink(), RouterDevice(f, 2), L(f, 2));
        Assert.Equal($"config error (null-netlink, {f}:3): required parameter \"name\" not found",
            Error(() => Invoke(device.Apply!, Dict(("routes", S(L(f, 3), "10.3.0.0/24"))), L(f, 3))));
        Assert.Equal($"config error (null-netlink, {f}:3): required parameter \"routes\" not found",
            Error(() => Invoke(device.Apply!, Dict(("name", S(L(f, 3), "x"))), L(f, 3))));
    }

    [Fact]
    public void NoSecnetAddress()
    {
        const string f = "bad-netlink-no-secnet-address.conf";
        Assert.Equal($"config error (null-netlink, {f}:2): you must specify secnet-address or ptp-address for this netlink device",
            Error(() => Invoke(NullNetlink(), Dict(("local-address", S(L(f, 2), "10.1.0.1"))), L(f, 2))));
    }

    [Fact]
    public void PointToPointWithoutRoutes()
    {
        const string f = "bad-netlink-ptp-no-routes.conf";
        var d = Dict(("name", S(L(f, 2), "p")), ("local-address", S(L(f, 2), "10.3.0.1")), ("ptp-address", S(L(f, 2), "10.3.0.2")));
        Assert.Equal($"config error (p, {f}:2): required parameter \"routes\" not found", Error(() => Invoke(NullNetlink(), d, L(f, 2))));
    }

    [Fact]
    public void OkNullNetlink()
    {
        const string f = "ok-null-netlink.conf";
        var d = Dict(("name", S(L(f, 2), "n")), ("networks", S(L(f, 2), "10.1.0.0/16", "!10.1.9.0/24")),
            ("remote-networks", S(L(f, 2), "10.2.0.0/16", "default")), ("local-address", S(L(f, 3), "10.1.0.1")),
            ("secnet-address", S(L(f, 3), "10.1.0.2")), ("mtu", N(L(f, 3), 1400)));
        var device = Invoke(NullNetlink(), d, L(f, 3));
        Assert.Equal(ClosureType.Pure, device.Type);
        Assert.True(device.IsInvocable);
        var client = Invoke(device.Apply!, Dict(("name", S(L(f, 4), "peer")), ("routes", S(L(f, 4), "10.2.1.0/24")),
            ("options", S(L(f, 4), "allow-route")), ("priority", N(L(f, 4), 5)), ("mtu", N(L(f, 4), 1300))), L(f, 4));
        Assert.Equal(ClosureType.Netlink, client.Type);
        var nc = Assert.IsType<NetlinkClient>(client.Value);
        Assert.Equal(("peer", 5, 1300, true), (nc.Name, nc.Priority, nc.Mtu, nc.AllowsRouting));
        var nl = Assert.IsType<NullNetlink>(device.Value);
        Assert.Equal(1400, nl.Options.Mtu);
        Assert.Equal("10.1.8.0/24 10.1.0.0/21 10.1.10.0/23 10.1.12.0/22 10.1.16.0/20 10.1.32.0/19 10.1.64.0/18 10.1.128.0/17 ",
            nl.Options.Networks.ToDisplayString());

        var p = Invoke(NullNetlink(), Dict(("name", S(L(f, 5), "p")), ("local-address", S(L(f, 5), "10.3.0.1")),
            ("ptp-address", S(L(f, 5), "10.3.0.2")), ("routes", S(L(f, 5), "10.4.0.0/16"))), L(f, 5));
        Assert.Equal(ClosureType.Netlink, p.Type);
        Assert.False(p.IsInvocable);
        Assert.Equal(2, _context.Get<NetlinkDeviceRegistry>().Devices.Count);
    }

    [Fact]
    public void SecondStageNeedsADictionaryAndAllowedRoutes()
    {
        const string f = "t.conf";
        var d = RouterDevice(f, 1);
        d.TryAdd("remote-networks", S(L(f, 1), "10.2.0.0/16"), L(f, 1));
        var device = Invoke(NullNetlink(), d, L(f, 1));
        Assert.Equal($"config error (null-netlink, {f}:2): must have a dictionary argument",
            Error(() => device.Apply!(new Invocation(L(f, 2), d, [new StringItem("x", L(f, 2))], _context))));
        Assert.Equal($"config error (null-netlink, {f}:3): routes are not allowed",
            Error(() => Invoke(device.Apply!, Dict(("name", S(L(f, 3), "x")), ("routes", S(L(f, 3), "10.3.0.0/24"))), L(f, 3))));
    }

    [Fact]
    public void SoftRoutesNeedDeviceSupportAndRouterMode()
    {
        const string f = "bad-userv-ipif-soft.conf";
        var apply = (ClosureApply)(inv => NetlinkModules.CreateDevice(inv, "userv-ipif", "netlink-userv-ipif", supportsSoftRoutes: false,
            (reader, options, i) => new TestDevice(options, i.Modules.Log, soft: false)));
        var device = Invoke(apply, RouterDevice(f, 2), L(f, 2));
        var client = Dict(("name", S(L(f, 3), "peer")), ("routes", S(L(f, 3), "10.2.0.0/16")), ("options", S(L(f, 3), "soft")));
        Assert.Equal($"config error (netlink-userv-ipif, {f}:3): this netlink device does not support soft routes.",
            Error(() => Invoke(device.Apply!, client, L(f, 3))));

        var ptp = Dict(("name", S(L(f, 4), "p")), ("local-address", S(L(f, 4), "10.3.0.1")), ("ptp-address", S(L(f, 4), "10.3.0.2")),
            ("routes", S(L(f, 4), "10.4.0.0/16")), ("options", S(L(f, 4), "soft")));
        Assert.Equal($"config error (p, {f}:4): point-to-point netlinks do not support soft routes.", Error(() => Invoke(NullNetlink(), ptp, L(f, 4))));
        Assert.Contains("netlink: soft routes", _context.RootRequiredFeatures);
    }

    [Fact]
    public void AddressErrorsUseFacilityNetlink()
    {
        const string f = "a.conf";
        var d = Dict(("local-address", S(L(f, 1), "10.1.0")), ("secnet-address", S(L(f, 1), "10.1.0.2")));
        Assert.Equal($"config error (netlink, {f}:1): \"10.1.0\" is not a valid IP address", Error(() => Invoke(NullNetlink(), d, L(f, 1))));
        Assert.Equal($"config error (netlink, {f}:2): required parameter \"local-address\" not found",
            Error(() => Invoke(NullNetlink(), Dict(("secnet-address", S(L(f, 2), "10.1.0.2"))), L(f, 2))));
        Assert.Equal($"config error (null-netlink, {f}:3): parameter must be a dictionary",
            Error(() => NullNetlink()(new Invocation(L(f, 3), d, [], _context))));
    }
}
