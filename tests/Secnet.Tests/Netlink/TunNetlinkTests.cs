using System.Collections.Concurrent;
using System.Net;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Netlink;

/// <summary>The tun netlink device end to end in a namespace: kernel ↔ router ↔ a tunnel endpoint,
/// and kernel routes following the client's link quality.</summary>
public sealed class TunNetlinkTests : IDisposable
{
    // The production loop, owned by the test: the device is read on it as in the daemon.
    private readonly PacketIoLoop _loop = new();

    public void Dispose() => _loop.Dispose();

    private sealed class QueueEndpoint : ITunnelEndpoint
    {
        public BlockingCollection<byte[]> Packets { get; } = new();

        public void QueueSeal(PacketBuffer packet)
        {
            Packets.Add(packet.Data.ToArray());
            packet.Release();
        }
    }

    private (TunNetlink Device, NetlinkClient Client, ConcurrentQueue<string> Fatal) NewDevice(NetlinkRouteFlags flags,
        bool offload = true)
    {
        var options = new NetlinkDeviceOptions
        {
            Name = "netlink-tun",
            LocalAddress = Ipv4Address.Parse("192.0.2.1"),
            SecnetAddress = Ipv4Address.Parse("192.0.2.2"),
            Mtu = 1400,
        };
        var device = new TunNetlink(options, new TunOptions { Interface = "devtun0", Offload = offload }, new TunDeviceTests.RecordingLog(), new BufferPool())
        {
            PacketLoop = _loop,
        };
        var fatal = new ConcurrentQueue<string>();
        device.Fatal = fatal.Enqueue;
        var client = device.AddClient(new NetlinkRouteOptions
        {
            Name = "peer",
            Routes = IpSet.Parse("198.51.100.0/25", "198.51.100.128/25"),
            Flags = flags,
        });
        device.Setup();
        return (device, client, fatal);
    }

    [Fact]
    public void SoftRoutesFollowTheLinkOnceTheInterfaceIsConfigured()
    {
        using var ns = NetNs.Create("devices");
        var (device, client, fatal) = NewDevice(NetlinkRouteFlags.Soft);
        try
        {
            client.SetQuality(LinkQuality.Up);
            ns.Run(device.AcquireResources);
            Assert.Contains("198.51.100.0/24 via 192.0.2.2 dev devtun0", ns.ExecChecked("ip", "route", "show"));
            client.SetQuality(LinkQuality.Down);
            Assert.DoesNotContain("198.51.100.0/24", ns.ExecChecked("ip", "route", "show"));
            client.SetQuality(LinkQuality.DownCurrentAddress);
            Assert.Contains("198.51.100.0/24 via 192.0.2.2", ns.ExecChecked("ip", "route", "show"));
            Assert.Empty(fatal);
        }
        finally
        {
            device.Shutdown();
        }
    }

    [Fact]
    public void PacketsFlowBetweenTheKernelAndTheTunnel()
    {
        using var ns = NetNs.Create("devices");
        var (device, client, fatal) = NewDevice(NetlinkRouteFlags.None);
        var endpoint = new QueueEndpoint();
        client.Register(endpoint);
        try
        {
            ns.Run(device.AcquireResources);
            Assert.Equal("devtun0", device.InterfaceName);
            Assert.True(device.OffloadActive, "tun opens with offloads unless the config says offload false");
            Assert.DoesNotContain("198.51.100.0/24", ns.ExecChecked("ip", "route", "show"));
            client.SetQuality(LinkQuality.Up);
            Assert.Contains("198.51.100.0/24 via 192.0.2.2 dev devtun0", ns.ExecChecked("ip", "route", "show"));
            device.Start();

            ns.Exec("ping", "-n", "-c", "1", "-W", "1", "198.51.100.7");
            Assert.True(endpoint.Packets.TryTake(out var toPeer, 5_000), "nothing reached the tunnel");
            Assert.Equal(IPAddress.Parse("198.51.100.7"), new IPAddress(toPeer.AsSpan(16, 4)));
            Assert.Equal(1, toPeer[9]);

            var listener = TunDeviceTests.StartUdpListener(ns);
            var packet = new BufferPool().Rent();
            packet.CopyFrom(TunDeviceTests.BuildUdp(IPAddress.Parse("198.51.100.7"), 4444, IPAddress.Parse("192.0.2.1"), 5555,
                [0xc0, 0xff, 0xee]));
            client.FromTunnel(packet);
            Assert.True(listener.WaitForExit(10_000));
            Assert.StartsWith("c0ffee 198.51.100.7 ", listener.StandardOutput.ReadLine());
            Assert.Empty(fatal);
        }
        finally
        {
            device.Shutdown();
        }
    }

    [Fact]
    public void OffloadFalseOpensThePlainDevice()
    {
        using var ns = NetNs.Create("tunoff");
        var (device, _, fatal) = NewDevice(NetlinkRouteFlags.None, offload: false);
        try
        {
            ns.Run(device.AcquireResources);
            Assert.False(device.OffloadActive);
            Assert.Empty(fatal);
        }
        finally
        {
            device.Shutdown();
        }
    }
}
