using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// IPv4/ICMP validation and the netlink router, in a router-mode device (host 172.18.232.9,
/// secnet 172.18.232.10, host network 172.18.232.8/29, MTU 1400) with two tunnels: "wide"
/// (10.0.0.0/8, MTU 1400) and "narrow" (192.168.0.0/16, MTU 576). Input: packets, each a source
/// byte (bits 0-1: host, wide, narrow; bit 7: repair length and checksum) and 16-bit length.
/// Whatever leaves (to the host or a tunnel, forwarded, fragmented or an ICMP error) must be
/// valid IPv4; what a tunnel gets must fit its MTU and lie in its routes. (A packet from the host
/// to the host's own networks does come back to the host: 0.6.7's netlink_packet_deliver does
/// the same, as the first campaign showed.)
/// </summary>
internal sealed class RouterTarget : IFuzzTarget
{
    private readonly BufferPool _pool = new();
    private readonly FuzzDevice _device;
    private readonly NetlinkClient _wide;
    private readonly NetlinkClient _narrow;
    private readonly Endpoint _wideOut;
    private readonly Endpoint _narrowOut;

    public RouterTarget()
    {
        _device = new FuzzDevice(new NetlinkDeviceOptions
        {
            Name = "netlink-fuzz",
            Networks = IpSet.Parse("172.18.232.8/29"),
            LocalAddress = Ipv4Address.Parse("172.18.232.9"),
            SecnetAddress = Ipv4Address.Parse("172.18.232.10"),
            Mtu = 1400,
        }, _pool);
        _wide = _device.AddClient(new NetlinkRouteOptions { Name = "wide", Routes = IpSet.Parse("10.0.0.0/8") });
        _narrow = _device.AddClient(new NetlinkRouteOptions { Name = "narrow", Routes = IpSet.Parse("192.168.0.0/16"), Mtu = 576 });
        _wideOut = new Endpoint(_wide, 1400);
        _narrowOut = new Endpoint(_narrow, 576);
        _wide.Register(_wideOut);
        _narrow.Register(_narrowOut);
        _wide.SetQuality(LinkQuality.Up);
        _narrow.SetQuality(LinkQuality.Up);
        _device.Setup();
    }

    public string Name => "router";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        while (r.Remaining > 0)
        {
            byte source = r.U8();
            var packet = r.PacketChunk(_pool);
            if ((source & 0x80) != 0) PacketFixups.FixIpv4(packet.Data);
            var validation = Ipv4Validation.Check(packet.Data);
            FuzzInvariantException.Check(validation.IsValid || validation.Reason().Length > 0, "a refusal has a reason");
            switch ((source & 3) % 3)
            {
                case 0:
                    _device.FromHost(packet);
                    break;
                case 1:
                    _wide.FromTunnel(packet);
                    break;
                default:
                    _narrow.FromTunnel(packet);
                    break;
            }
        }
    }

    private sealed class FuzzDevice(NetlinkDeviceOptions options, BufferPool pool) : NetlinkDevice(options, NullLog.Instance, pool)
    {
        public override bool SupportsSoftRoutes => true;

        protected internal override void QueueToHost(PacketBuffer packet)
        {
            var v = Ipv4Validation.Check(packet.Data);
            FuzzInvariantException.Check(v.IsValid, $"to host: invalid IPv4 ({v.Reason()})");
            packet.Release();
        }
    }

    private sealed class Endpoint(NetlinkClient client, int mtu) : ITunnelEndpoint
    {
        public void QueueSeal(PacketBuffer packet)
        {
            var data = packet.Data;
            var v = Ipv4Validation.Check(data);
            FuzzInvariantException.Check(v.IsValid, $"to {client.Name}: invalid IPv4 ({v.Reason()})");
            FuzzInvariantException.Check(data.Length <= mtu, $"to {client.Name}: {data.Length} bytes over MTU {mtu}");
            FuzzInvariantException.Check(client.Routes.Contains(Ipv4Header.Destination(data)), $"to {client.Name}: destination outside its routes");
            packet.Release();
        }
    }
}
