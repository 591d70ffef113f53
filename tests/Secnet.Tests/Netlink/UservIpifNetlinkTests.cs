using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>The userv-ipif netlink device with the fake userv: argv from the clients in use,
/// SLIP frames from the child routed to a tunnel, tunnel packets SLIP-encoded to the child.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UservIpifNetlinkTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("devices-userv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class QueueEndpoint : ITunnelEndpoint
    {
        public BlockingCollection<byte[]> Packets { get; } = new();

        public void QueueSeal(PacketBuffer packet)
        {
            Packets.Add(packet.Data.ToArray());
            packet.Release();
        }
    }

    [Fact]
    public void ChildIsStartedWithTheRoutesInUseAndPacketsCrossBothWays()
    {
        var userv = Path.Combine(_dir, "fake-userv");
        File.WriteAllText(userv, UservIpifChildTests.FakeUserv.Replace("\r", ""));
        File.SetUnixFileMode(userv, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(_dir, "mode"), "echo");
        var fromHost = TunDeviceTests.BuildUdp(IPAddress.Parse("192.0.2.1"), 1111, IPAddress.Parse("198.51.100.7"), 2222, [0xdb, 0xc0]);
        var encoded = new byte[SlipEncoder.MaxEncodedLength(fromHost.Length)];
        File.WriteAllBytes(Path.Combine(_dir, "inject.bin"), encoded[..SlipEncoder.Encode(fromHost, encoded)]);

        var options = new NetlinkDeviceOptions
        {
            Name = "netlink-userv-ipif",
            LocalAddress = Ipv4Address.Parse("192.0.2.1"),
            SecnetAddress = Ipv4Address.Parse("192.0.2.2"),
            Mtu = 1400,
        };
        var device = new UservIpifNetlink(options, new UservIpifOptions { UservPath = userv, ServiceUser = "u", ServiceName = "s" },
            new TunDeviceTests.RecordingLog(), new BufferPool());
        var fatal = new ConcurrentQueue<string>();
        device.Fatal = fatal.Enqueue;
        var used = device.AddClient(new NetlinkRouteOptions { Name = "used", Routes = IpSet.Parse("198.51.100.0/24") });
        device.AddClient(new NetlinkRouteOptions { Name = "idle", Routes = IpSet.Parse("203.0.113.0/24") });
        var endpoint = new QueueEndpoint();
        used.Register(endpoint);
        device.Setup();
        used.SetQuality(LinkQuality.Up);
        try
        {
            device.Start();
            var info = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "info.json"))).RootElement;
            Assert.Equal([userv, "u", "s", "192.0.2.1,192.0.2.2,1400,slip", "198.51.100.0/24"],
                info.GetProperty("argv").EnumerateArray().Select(e => e.GetString()));

            Assert.True(endpoint.Packets.TryTake(out var toPeer, 10_000), "the child's packet did not reach the tunnel");
            Assert.Equal(fromHost[20..], toPeer[20..]);
            Assert.Equal(fromHost[8] - 1, toPeer[8]);

            // A packet from the tunnel for the host goes to the child, which echoes it back as if from
            // the host; the router then sends it to the tunnel again (source check passes: networks = all).
            var packet = new BufferPool().Rent();
            packet.CopyFrom(TunDeviceTests.BuildUdp(IPAddress.Parse("198.51.100.7"), 2222, IPAddress.Parse("192.0.2.1"), 1111, [1]));
            used.FromTunnel(packet);
            // The fake child creates received.bin when the packet arrives: wait for it (up to 5 s).
            var receivedPath = Path.Combine(_dir, "received.bin");
            byte[] received = [];
            for (var i = 0; i < 100 && received.Length == 0; i++)
            {
                if (File.Exists(receivedPath)) received = File.ReadAllBytes(receivedPath);
                if (received.Length == 0) Thread.Sleep(50);
            }
            Assert.True(received.Length > 0, "the packet for the host never reached the userv child");
            Assert.Equal(Slip.End, received[0]);
            Assert.Equal(Slip.End, received[^1]);
            Assert.Empty(fatal);
        }
        finally
        {
            device.Shutdown();
        }
        Assert.Empty(fatal);
    }
}
