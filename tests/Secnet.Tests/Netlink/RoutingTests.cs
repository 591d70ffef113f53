using Secnet.Log;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

public class RoutingTests
{
    [Fact]
    public void HostPacketGoesToTunnelWithTtlDecremented()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        var p = Ipv4("172.18.232.9", "172.18.232.1");
        f.FromHost(p);
        Assert.Equal(RouterFixture.Forwarded(p), Assert.Single(f.Sent("outside")));
        Assert.Equal(1, f.Device.RoutingTable[0].UseCount);
    }

    [Fact]
    public void TunnelPacketGoesToHost()
    {
        var f = new RouterFixture();
        var c = f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        var p = Ipv4("172.18.232.1", "172.18.232.9");
        f.FromTunnel(c, p);
        Assert.Equal(RouterFixture.Forwarded(p), Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters.HostCount);
    }

    [Fact]
    public void HostSourceOutsideNetworksIsDropped()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        f.FromHost(Ipv4("10.1.1.1", "172.18.232.1"));
        Assert.Empty(f.Sent("outside"));
        Assert.Contains((LogClass.Warning, "netlink-tun: outgoing packet with bad source address (s=10.1.1.1,d=172.18.232.1)"), f.Log.Lines);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.BadSource]);
    }

    [Fact]
    public void TunnelSourceOutsideItsRoutesIsDropped()
    {
        var f = new RouterFixture();
        var c = f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        f.FromTunnel(c, Ipv4("172.18.232.33", "172.18.232.9"));
        Assert.Empty(f.Device.ToHost);
        Assert.Contains((LogClass.Warning, "netlink-tun: packet from tunnel outside with bad source address (s=172.18.232.33,d=172.18.232.9)"), f.Log.Lines);
    }

    [Fact]
    public void TtlOneGetsTimeExceeded()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        var p = Ipv4("172.18.232.9", "172.18.232.1", ttl: 1);
        f.FromHost(p);
        Assert.Empty(f.Sent("outside"));
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "172.18.232.9", 11, 0, 0, p), Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.TtlExceeded]);
    }

    [Fact]
    public void UnknownDestinationGetsNetUnreachableAndDebugLine()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        var p = Ipv4("172.18.232.9", "192.0.2.1");
        f.FromHost(p);
        Assert.Contains((LogClass.Debug, "netlink-tun: don't know where to deliver packet (s=172.18.232.9, d=192.0.2.1)"), f.Log.Lines);
        // The quoted header is the packet as modified so far: TTL already decremented.
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "172.18.232.9", 3, 0, 0, RouterFixture.Forwarded(p)), Assert.Single(f.Device.ToHost));
    }

    [Theory]
    [InlineData(NetlinkRouteFlags.None, NetlinkRouteFlags.None, false)]
    [InlineData(NetlinkRouteFlags.AllowRoute, NetlinkRouteFlags.None, true)]
    [InlineData(NetlinkRouteFlags.None, NetlinkRouteFlags.AllowRoute, true)]
    [InlineData(NetlinkRouteFlags.AllowRoute, NetlinkRouteFlags.AllowRoute, true)]
    public void TunnelToTunnelNeedsAllowRouteOnSourceOrDestination(NetlinkRouteFlags from, NetlinkRouteFlags to, bool allowed)
    {
        var f = new RouterFixture();
        var a = f.AddClient("a", "198.51.100.0/24", from);
        f.AddClient("b", "203.0.113.0/24", to);
        f.Setup();
        var p = Ipv4("198.51.100.5", "203.0.113.7");
        f.FromTunnel(a, p);
        if (allowed)
        {
            Assert.Equal(RouterFixture.Forwarded(p), Assert.Single(f.Sent("b")));
            return;
        }
        Assert.Empty(f.Sent("b"));
        Assert.Contains((LogClass.Notice, "netlink-tun: denied forwarding for packet (s=198.51.100.5, d=203.0.113.7)"), f.Log.Lines);
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "198.51.100.5", 3, 13, 0, RouterFixture.Forwarded(p)), Assert.Single(f.Sent("a")));
    }

    [Fact]
    public void TunnelRoutesWinOverHostNetworks()
    {
        var f = new RouterFixture();
        var a = f.AddClient("a", "198.51.100.0/24");
        f.AddClient("b", "172.18.232.8/30");
        f.Setup();
        f.FromTunnel(a, Ipv4("198.51.100.5", "172.18.232.9"));
        Assert.DoesNotContain(f.Device.ToHost, p => p[9] != 1);
        Assert.Contains(f.Log.Lines, l => l.Text.StartsWith("netlink-tun: denied forwarding", StringComparison.Ordinal));
    }

    [Fact]
    public void OnceAnAllowedRouteIsFoundARestrictedSenderIgnoresRestrictedOnes()
    {
        var f = new RouterFixture();
        var a = f.AddClient("a", "198.51.100.0/24");
        f.AddClient("free", "203.0.113.0/24", NetlinkRouteFlags.AllowRoute, priority: 10, quality: LinkQuality.DownStaleAddress);
        f.AddClient("restricted", "203.0.113.0/24", priority: 5, quality: LinkQuality.Up);
        f.Setup();
        f.FromTunnel(a, Ipv4("198.51.100.5", "203.0.113.7"));
        Assert.Single(f.Sent("free"));
        // The host may use any route, so the better quality wins.
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Single(f.Sent("restricted"));
    }

    [Fact]
    public void RestrictedBestAtEqualQualityIsDeniedEvenIfAFreeRouteFollows()
    {
        var f = new RouterFixture();
        var a = f.AddClient("a", "198.51.100.0/24");
        f.AddClient("restricted", "203.0.113.0/24", priority: 10);
        f.AddClient("free", "203.0.113.0/24", NetlinkRouteFlags.AllowRoute, priority: 5);
        f.Setup();
        f.FromTunnel(a, Ipv4("198.51.100.5", "203.0.113.7"));
        Assert.Empty(f.Sent("free"));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.ForwardingDenied]);
    }

    [Fact]
    public void HigherPriorityWinsAtEqualQuality()
    {
        var f = new RouterFixture();
        f.AddClient("low", "203.0.113.0/24", priority: 1);
        f.AddClient("high", "203.0.113.0/24", priority: 9);
        f.Setup();
        Assert.Equal("high", f.Device.RoutingTable[0].Name);
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Single(f.Sent("high"));
        Assert.Empty(f.Sent("low"));
    }

    [Fact]
    public void BetterQualityWinsOverPriority()
    {
        var f = new RouterFixture();
        f.AddClient("stale", "203.0.113.0/24", priority: 9, quality: LinkQuality.DownStaleAddress);
        f.AddClient("upnow", "203.0.113.0/24", priority: 1, quality: LinkQuality.Up);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Single(f.Sent("upnow"));
    }

    [Theory]
    [InlineData(LinkQuality.Down)]
    [InlineData(LinkQuality.Unused)]
    public void DownOrUnusedClientsAreNotRoutedTo(LinkQuality quality)
    {
        var f = new RouterFixture();
        f.AddClient("x", "203.0.113.0/24", quality: quality);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Empty(f.Sent("x"));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.NoRoute]);
    }

    [Fact]
    public void AddressKnownQualitiesCountAsUp()
    {
        var f = new RouterFixture();
        f.AddClient("x", "203.0.113.0/24", quality: LinkQuality.DownCurrentAddress);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Single(f.Sent("x"));
    }

    [Fact]
    public void UnregisteredClientDropsWithError()
    {
        var f = new RouterFixture();
        f.AddClient("x", "203.0.113.0/24", register: false);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "203.0.113.7"));
        Assert.Contains((LogClass.Error, "netlink-tun: dropping 172.18.232.9->203.0.113.7, client not registered"), f.Log.Lines);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.ClientNotRegistered]);
    }

    [Fact]
    public void SourceIsSecnetAddressAndReplyWouldLoopIsDroppedAsToMyself()
    {
        var f = new RouterFixture(networks: "172.18.232.8/29");
        f.Setup();
        // A non-ICMP packet to secnet from secnet's own address: the 3/2 reply is addressed to
        // secnet itself.
        f.FromHost(Ipv4(RouterFixture.Secnet, RouterFixture.Secnet, protocol: 17));
        Assert.Contains((LogClass.Error, "netlink-tun: trying to deliver a packet to myself!"), f.Log.Lines);
    }
}
