using Secnet.Netlink;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>Clients a reload adds to and removes from a running router-mode device.</summary>
public sealed class RuntimeClientTests
{
    private static NetlinkRouteOptions Route(string name, string routes, int priority = 0) =>
        new() { Name = name, Routes = IpSet.Parse(routes.Split(' ')), Priority = priority };

    [Fact]
    public void AnAddedClientIsRoutedToFromTheNextPacketInPriorityOrder()
    {
        var f = new RouterFixture();
        f.AddClient("low", "10.1.0.0/16", priority: 1);
        f.Setup();
        var high = f.Device.AddClientAtRun(Route("high", "10.1.2.0/24", priority: 5));
        var endpoint = new CapturingEndpoint();
        high.Register(endpoint);
        high.SetQuality(LinkQuality.Up);

        Assert.Equal(["high", "low"], f.Device.RoutingTable.Select(c => c.Name));
        f.FromHost(Ipv4("172.18.232.9", "10.1.2.3"));
        f.FromHost(Ipv4("172.18.232.9", "10.1.9.9"));
        Assert.Single(endpoint.Packets);
        Assert.Single(f.Sent("low"));
    }

    [Fact]
    public void ARemovedClientGetsNoMorePacketsAndItsKernelRoutesGo()
    {
        var f = new RouterFixture();
        var gone = f.AddClient("gone", "10.2.0.0/16");
        f.AddClient("stays", "10.3.0.0/16");
        f.Setup();
        f.Device.InterfaceConfigured();
        Assert.Contains(("gone", true), f.Device.RouteCalls);

        f.Device.RemoveClient(gone, keepKernelRoutes: false);
        f.FromHost(Ipv4("172.18.232.9", "10.2.0.1"));
        f.FromHost(Ipv4("172.18.232.9", "10.3.0.1"));

        Assert.Empty(f.Sent("gone"));
        Assert.Single(f.Sent("stays"));
        Assert.Equal(("gone", false), f.Device.RouteCalls[^1]);
        Assert.Equal(["stays"], f.Device.Clients.Select(c => c.Name));
        // The closed site's last quality change must not put its route back.
        gone.SetQuality(LinkQuality.Up);
        Assert.Equal(("gone", false), f.Device.RouteCalls[^1]);
    }

    [Fact]
    public void WithoutPrivilegesTheKernelRouteIsLeftInPlace()
    {
        var f = new RouterFixture();
        var gone = f.AddClient("gone", "10.2.0.0/16");
        f.Setup();
        f.Device.InterfaceConfigured();
        int calls = f.Device.RouteCalls.Count;
        f.Device.RemoveClient(gone, keepKernelRoutes: true);
        Assert.Equal(calls, f.Device.RouteCalls.Count);
        Assert.Empty(f.Device.RoutingTable);
    }

    [Fact]
    public void PointToPointTakesNoClientAtRun()
    {
        var device = new TestDevice(new NetlinkDeviceOptions
        {
            Name = "ptp", LocalAddress = A("172.18.232.9"), PtpAddress = A("172.18.232.10"),
        }, new CapturingLog());
        device.AddClient(Route("only", "172.18.232.10/32"));
        device.Setup();
        Assert.False(device.AcceptsClientsAtRun);
        Assert.Throws<InvalidOperationException>(() => device.AddClientAtRun(Route("more", "10.0.0.0/8")));
    }
}
