using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The IPv6 path of the netlink router (validation, hop limit, longest-prefix routing, ICMPv6
/// errors, "packet too big") beside <see cref="RouterTarget"/>'s IPv4 one, in a router-mode device
/// with IPv6: host network 2001:db8:1::/48 (secnet-address6 2001:db8:1::2, MTU 1400) and two
/// tunnels, "wide" (2001:db8::/32 less nothing, MTU 1400) and "narrow" (2001:db8:2::/48, MTU
/// 1280, allow-route), so a longer prefix overlaps a shorter one. Input: packets, each a source
/// byte (bits 0-1: host, wide, narrow; bit 7: repair version and payload length; bit 6: put a
/// source the sender may use in place) and a 16-bit length. Whatever leaves must be valid IPv4
/// or IPv6; ICMPv6 must carry a right checksum and fit 1280 bytes; what a tunnel gets must fit
/// its MTU and have its destination in the tunnel's longest matching routes6 prefix.
/// </summary>
internal sealed class Router6Target : IFuzzTarget
{
    private static readonly UInt128 HostNet = Ipv6Address.Parse("2001:db8:1::");
    private static readonly UInt128 WideNet = Ipv6Address.Parse("2001:db8:5::");
    private static readonly UInt128 NarrowNet = Ipv6Address.Parse("2001:db8:2::");
    private readonly BufferPool _pool = new();
    private readonly FuzzDevice _device;
    private readonly NetlinkClient _wide;
    private readonly NetlinkClient _narrow;

    public Router6Target()
    {
        _device = new FuzzDevice(new NetlinkDeviceOptions
        {
            Name = "netlink-fuzz6",
            Networks = IpSet.Parse("172.18.232.8/29"),
            LocalAddress = Ipv4Address.Parse("172.18.232.9"),
            SecnetAddress = Ipv4Address.Parse("172.18.232.10"),
            Mtu = 1400,
            Networks6 = Ipv6Set.Parse("2001:db8:1::/48"),
            LocalAddress6 = Ipv6Address.Parse("2001:db8:1::1"),
            SecnetAddress6 = Ipv6Address.Parse("2001:db8:1::2"),
        }, _pool);
        _wide = _device.AddClient(new NetlinkRouteOptions
        {
            Name = "wide", Routes = IpSet.Parse("10.0.0.0/8"), Routes6 = Ipv6Set.Parse("2001:db8::/32"),
        });
        _narrow = _device.AddClient(new NetlinkRouteOptions
        {
            Name = "narrow", Routes = IpSet.Parse("192.168.0.0/16"), Routes6 = Ipv6Set.Parse("2001:db8:2::/48"),
            Mtu = 1280, Flags = NetlinkRouteFlags.AllowRoute,
        });
        _wide.Register(new Endpoint(_wide, _narrow, 1400));
        _narrow.Register(new Endpoint(_narrow, _wide, 1280));
        _wide.SetQuality(LinkQuality.Up);
        _narrow.SetQuality(LinkQuality.Up);
        _device.Setup();
    }

    public string Name => "router6";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        while (r.Remaining > 0)
        {
            byte source = r.U8();
            var packet = r.PacketChunk(_pool);
            var data = packet.Data;
            int from = (source & 3) % 3;
            if ((source & 0x80) != 0 && data.Length >= Ipv6Header.Length)
            {
                data[0] = (byte)(0x60 | (data[0] & 0x0f));
                Ipv6Header.SetPayloadLength(data, data.Length - Ipv6Header.Length);
            }
            if ((source & 0x40) != 0 && data.Length >= Ipv6Header.Length)
            {
                var net = from == 0 ? HostNet : from == 1 ? WideNet : NarrowNet;
                Ipv6Header.SetSource(data, net | (Ipv6Header.Source(data) & ((UInt128.One << 80) - 1)));
            }
            var validation = Ipv6Validation.Check(data);
            FuzzInvariantException.Check(validation.IsValid || validation.Reason().Length > 0, "a refusal has a reason");
            switch (from)
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

    /// <summary>Valid IPv4, or valid IPv6 whose ICMPv6 (if that is what follows the header) has a
    /// right checksum and, if an error, fits the minimum MTU.</summary>
    private static void CheckOutgoing(ReadOnlySpan<byte> data, string where)
    {
        if (data.Length > 0 && data[0] >> 4 == 4)
        {
            var v4 = Ipv4Validation.Check(data);
            FuzzInvariantException.Check(v4.IsValid, $"{where}: invalid IPv4 ({v4.Reason()})");
            return;
        }
        var v = Ipv6Validation.Check(data);
        FuzzInvariantException.Check(v.IsValid, $"{where}: invalid IPv6 ({v.Reason()})");
        if (Ipv6Header.NextHeader(data) != Ipv6Header.NextHeaderIcmpv6 || data.Length < Ipv6Header.Length + 4) return;
        var sum = InternetChecksum.Fold(InternetChecksum.Add(data[Ipv6Header.Length..],
            Ipv6Header.PseudoHeader(data, Ipv6Header.NextHeaderIcmpv6, data.Length - Ipv6Header.Length)));
        // Only what secnet made is checked: an echo reply or an error (from secnet-address6).
        if (Ipv6Header.Source(data) != Ipv6Address.Parse("2001:db8:1::2")) return;
        FuzzInvariantException.Check(sum == 0xffff, $"{where}: ICMPv6 checksum wrong");
        if (data[Ipv6Header.Length] < 128)
            FuzzInvariantException.Check(data.Length <= Icmpv6Builder.MinimumMtu, $"{where}: ICMPv6 error of {data.Length} bytes");
    }

    private sealed class FuzzDevice(NetlinkDeviceOptions options, BufferPool pool) : NetlinkDevice(options, NullLog.Instance, pool)
    {
        public override bool SupportsSoftRoutes => true;

        protected internal override void QueueToHost(PacketBuffer packet)
        {
            CheckOutgoing(packet.Data, "to host");
            packet.Release();
        }
    }

    private sealed class Endpoint(NetlinkClient client, NetlinkClient other, int mtu) : ITunnelEndpoint
    {
        public void QueueSeal(PacketBuffer packet)
        {
            var data = packet.Data;
            CheckOutgoing(data, $"to {client.Name}");
            FuzzInvariantException.Check(data.Length <= mtu, $"to {client.Name}: {data.Length} bytes over MTU {mtu}");
            if (data[0] >> 4 == 6)
            {
                var destination = Ipv6Header.Destination(data);
                int mine = client.Routes6.LongestMatch(destination);
                FuzzInvariantException.Check(mine >= 0, $"to {client.Name}: destination outside its routes6");
                FuzzInvariantException.Check(other.Routes6.LongestMatch(destination) <= mine, $"to {client.Name}: the other tunnel has a longer prefix");
            }
            else
            {
                FuzzInvariantException.Check(client.Routes.Contains(Ipv4Header.Destination(data)), $"to {client.Name}: destination outside its routes");
            }
            packet.Release();
        }
    }
}
