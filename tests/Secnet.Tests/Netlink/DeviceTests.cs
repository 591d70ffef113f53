using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

public class DeviceTests
{
    [Fact]
    public void RouteDumpMatchesTheVerifiedExample()
    {
        var f = new RouterFixture();
        var c = f.AddClient("outside", "172.18.232.0/29", mtu: 700);
        f.Setup();
        c.SetMtu(576);
        for (int i = 0; i < 8; i++) f.FromHost(Ipv4("172.18.232.9", "172.18.232.1"));
        for (int i = 0; i < 3; i++) f.FromHost(Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 1, payload: Icmp(8, 0, 0, new byte[8])));
        for (int i = 0; i < 7; i++) f.FromTunnel(c, Ipv4("172.18.232.1", "172.18.232.9"));
        f.Log.Lines.Clear();
        f.Device.DumpRoutesOnRequest();
        Assert.Equal(
        [
            (LogClass.Info, "netlink-tun: route dump requested by SIGUSR1"),
            (LogClass.Warning, "netlink-tun: routing table:"),
            (LogClass.Warning, "172.18.232.0/29 -> tunnel outside (up,mtu 576,hard routes,restricted,quality 4,use 8,pri 0)"),
            (LogClass.Warning, "172.18.232.10/32 -> netlink \"netlink-tun\" (use 3)"),
            (LogClass.Warning, "172.18.232.8/29 -> host (use 10)"),
            // Our addition after 0.6.7's dump: the three echo replies are the ICMP sent.
            (LogClass.Info, "netlink-tun: counters: ICMP sent 3, fragments sent 0, drops: none"),
        ], f.Log.Lines);
    }

    [Fact]
    public void SigusrCountersNameEachDropReasonSeen()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 700);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "198.51.100.77"));
        f.FromHost(Ipv4("172.18.232.9", "198.51.100.78"));
        f.Log.Lines.Clear();
        f.Device.DumpRoutesOnRequest();
        Assert.Equal((LogClass.Info, "netlink-tun: counters: ICMP sent 2, fragments sent 0, drops: NoRoute 2"), f.Log.Lines[^1]);
    }

    [Fact]
    public void SetupDumpsAtInfoInPriorityOrderAndOmitsEmptyHostLine()
    {
        var log = new CapturingLog();
        var d = new TestDevice(new NetlinkDeviceOptions
        {
            Name = "n", Networks = IpSet.Empty, LocalAddress = A("10.1.0.1"), SecnetAddress = A("10.1.0.2"),
        }, log);
        d.AddClient(new NetlinkRouteOptions { Name = "a", Routes = IpSet.Parse("10.2.0.0/24", "10.2.1.0/25"), Priority = 1 });
        d.AddClient(new NetlinkRouteOptions { Name = "b", Routes = IpSet.Parse("10.3.0.0/16"), Priority = 7, Flags = NetlinkRouteFlags.Soft | NetlinkRouteFlags.AllowRoute });
        d.Setup();
        Assert.Equal(
        [
            (LogClass.Info, "n: routing table:"),
            (LogClass.Info, "10.3.0.0/16 -> tunnel b (down,mtu 1000,soft routes,free,quality 0,use 0,pri 7)"),
            (LogClass.Info, "10.2.1.0/25 10.2.0.0/24 -> tunnel a (down,mtu 1000,hard routes,restricted,quality 0,use 0,pri 1)"),
            (LogClass.Info, "10.1.0.2/32 -> netlink \"n\" (use 0)"),
        ], log.Lines);
    }

    private static (TestDevice Device, NetlinkClient Client, CapturingEndpoint Peer, CapturingLog Log) PointToPoint()
    {
        var log = new CapturingLog();
        var d = new TestDevice(new NetlinkDeviceOptions
        {
            Name = "p", Networks = IpSet.Parse("10.3.0.1"), LocalAddress = A("10.3.0.1"), PtpAddress = A("10.3.0.2"), Mtu = 100,
        }, log);
        var c = d.AddClient(new NetlinkRouteOptions { Name = "p", Routes = IpSet.Parse("10.4.0.0/16") });
        var peer = new CapturingEndpoint();
        c.Register(peer);
        c.SetQuality(LinkQuality.Up);
        d.Setup();
        return (d, c, peer, log);
    }

    [Fact]
    public void PointToPointDumpLine()
    {
        var (_, _, _, log) = PointToPoint();
        Assert.Equal((LogClass.Info, "p: point-to-point (remote end is 10.3.0.2); routes: 10.4.0.0/16 "), Assert.Single(log.Lines));
    }

    [Fact]
    public void PointToPointPassesPacketsAcrossWithoutTtlOrDestinationChecks()
    {
        var (d, c, peer, _) = PointToPoint();
        var pool = new BufferPool();
        var toPeer = Ipv4("10.3.0.1", "192.0.2.99", ttl: 1);
        d.FromHost(Buffer(pool, toPeer));
        Assert.Equal(toPeer, Assert.Single(peer.Packets));
        var toHost = Ipv4("10.4.1.1", "198.51.100.1", ttl: 1);
        c.FromTunnel(Buffer(pool, toHost));
        Assert.Equal(toHost, Assert.Single(d.ToHost));
    }

    [Fact]
    public void PointToPointIcmpPretendsToBeTheOtherEnd()
    {
        var (d, c, peer, _) = PointToPoint();
        var pool = new BufferPool();
        var fromHost = Ipv4("10.3.0.1", "10.4.0.5", payload: new byte[200], flagsOffset: 0x4000);
        d.FromHost(Buffer(pool, fromHost));
        Assert.Equal(ExpectedIcmpError("10.3.0.2", "10.3.0.1", 3, 4, 100, fromHost), Assert.Single(d.ToHost));
        var fromPeer = Ipv4("10.4.0.5", "10.3.0.1", payload: new byte[200], flagsOffset: 0x4000);
        c.FromTunnel(Buffer(pool, fromPeer));
        Assert.Equal(ExpectedIcmpError("10.3.0.1", "10.4.0.5", 3, 4, 100, fromPeer), Assert.Single(peer.Packets));
    }

    [Fact]
    public void KernelRoutesWaitForTheInterfaceThenFollowUpForSoftAndStartForHard()
    {
        var log = new CapturingLog();
        var d = new TestDevice(new NetlinkDeviceOptions { Name = "t", LocalAddress = A("10.1.0.1"), SecnetAddress = A("10.1.0.2") }, log);
        var soft = d.AddClient(new NetlinkRouteOptions { Name = "soft", Routes = IpSet.Parse("10.5.0.0/16"), Flags = NetlinkRouteFlags.Soft });
        var hard = d.AddClient(new NetlinkRouteOptions { Name = "hard", Routes = IpSet.Parse("10.6.0.0/16") });
        soft.SetQuality(LinkQuality.Up);
        hard.SetQuality(LinkQuality.Down);
        d.Setup();
        Assert.Empty(d.RouteCalls);
        d.InterfaceConfigured();
        Assert.Equal([("soft", true), ("hard", true)], d.RouteCalls);
        soft.SetQuality(LinkQuality.DownStaleAddress);
        hard.SetQuality(LinkQuality.Up);
        Assert.Equal(2, d.RouteCalls.Count);
        soft.SetQuality(LinkQuality.Down);
        hard.SetQuality(LinkQuality.Down);
        Assert.Equal([("soft", true), ("hard", true), ("soft", false)], d.RouteCalls);
        Assert.True(d.RequiresRoot);
    }

    [Fact]
    public void NullNetlinkLogsSoftRouteChangesAndDiscardsHostPackets()
    {
        var log = new CapturingLog();
        var d = new NullNetlink(new NetlinkDeviceOptions { Name = "null-netlink", LocalAddress = A("10.1.0.1"), SecnetAddress = A("10.1.0.2") }, log, new BufferPool());
        var soft = d.AddClient(new NetlinkRouteOptions { Name = "peer", Routes = IpSet.Parse("10.5.0.0/16"), Flags = NetlinkRouteFlags.Soft });
        var hard = d.AddClient(new NetlinkRouteOptions { Name = "other", Routes = IpSet.Parse("10.6.0.0/16") });
        soft.SetQuality(LinkQuality.Up);
        hard.SetQuality(LinkQuality.Up);
        soft.SetQuality(LinkQuality.Down);
        Assert.Equal(
        [
            (LogClass.Info, "null-netlink: setting routes for tunnel peer to state up"),
            (LogClass.Info, "null-netlink: setting routes for tunnel peer to state down"),
        ], log.Lines);
        d.Setup();
        d.FromHost(Buffer(new BufferPool(), Ipv4("10.6.0.1", "10.1.0.9")));
        Assert.Equal(1, d.Counters.HostCount);
    }

    [Fact]
    public void ConfigChecksForClients()
    {
        var log = new CapturingLog();
        var ptp = new TestDevice(new NetlinkDeviceOptions { Name = "p", LocalAddress = 1, PtpAddress = 2 }, log);
        Assert.Equal("point-to-point netlinks do not support soft routes.", ptp.CheckRouteFlags(NetlinkRouteFlags.Soft));
        var noSoft = new TestDevice(new NetlinkDeviceOptions { Name = "u", LocalAddress = 1, SecnetAddress = 2 }, log, soft: false);
        Assert.Equal("this netlink device does not support soft routes.", noSoft.CheckRouteFlags(NetlinkRouteFlags.Soft));
        var limited = new TestDevice(new NetlinkDeviceOptions { Name = "r", LocalAddress = 1, SecnetAddress = 2, RemoteNetworks = IpSet.Parse("10.0.0.0/8") }, log);
        Assert.Equal("routes are not allowed", limited.CheckRoutes(IpSet.Parse("11.0.0.0/24")));
        Assert.Null(limited.CheckRoutes(IpSet.Parse("10.9.0.0/16")));
        Assert.Equal("you may not specify secnet-address and ptp-address in the same netlink device",
            new NetlinkDeviceOptions { Name = "x", LocalAddress = 1, SecnetAddress = 2, PtpAddress = 3 }.Validate());
        Assert.Equal("you must specify secnet-address or ptp-address for this netlink device",
            new NetlinkDeviceOptions { Name = "x", LocalAddress = 1 }.Validate());
    }
}
