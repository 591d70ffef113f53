using System.Net;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>IPv6 packets built field by field with their own checksum code (independent of the
/// implementation under test), and a router-mode device with IPv6: host 2001:db8:1::1,
/// secnet-address6 2001:db8:1::2, host networks 2001:db8:1::/48.</summary>
internal static class Ipv6Kit
{
    public const string Secnet6 = "2001:db8:1::2";

    public static byte[] Addr(string s) => IPAddress.Parse(s).GetAddressBytes();

    public static byte[] Ipv6(string src, string dst, byte nextHeader = 17, byte[]? payload = null, byte hopLimit = 64)
    {
        payload ??= new byte[8];
        var p = new byte[40 + payload.Length];
        p[0] = 0x60; p[1] = 0x01; p[2] = 0x23; p[3] = 0x45; // traffic class 0, a flow label
        p[4] = (byte)(payload.Length >> 8); p[5] = (byte)payload.Length;
        p[6] = nextHeader; p[7] = hopLimit;
        Addr(src).CopyTo(p, 8);
        Addr(dst).CopyTo(p, 24);
        payload.CopyTo(p, 40);
        return p;
    }

    /// <summary>A whole IPv6 packet carrying an ICMPv6 message with a correct checksum.</summary>
    public static byte[] Icmpv6Packet(string src, string dst, byte type, byte code, uint rest, byte[] data, byte hopLimit = 64)
    {
        var m = new byte[8 + data.Length];
        m[0] = type; m[1] = code;
        Packets.Put32(m, 4, rest);
        data.CopyTo(m, 8);
        var p = Ipv6(src, dst, 58, m, hopLimit);
        var c = ReferenceIcmpv6Checksum(p);
        p[42] = (byte)(c >> 8); p[43] = (byte)c;
        return p;
    }

    /// <summary>RFC 4443 §2.3 checksum, written out the long way: the pseudo-header (source,
    /// destination, 32-bit length, three zero bytes, next header 58) and the message with its
    /// checksum field taken as zero.</summary>
    public static ushort ReferenceIcmpv6Checksum(byte[] packet)
    {
        int length = packet.Length - 40;
        var pseudo = new List<byte>();
        pseudo.AddRange(packet.AsSpan(8, 32).ToArray());
        pseudo.Add((byte)(length >> 24)); pseudo.Add((byte)(length >> 16)); pseudo.Add((byte)(length >> 8)); pseudo.Add((byte)length);
        pseudo.Add(0); pseudo.Add(0); pseudo.Add(0); pseudo.Add(58);
        var message = packet.AsSpan(40).ToArray();
        message[2] = 0; message[3] = 0;
        pseudo.AddRange(message);
        return Packets.Checksum(pseudo.ToArray());
    }

    /// <summary>The error the router should send, from RFC 4443's field list.</summary>
    public static byte[] ExpectedError(string from, string to, byte type, byte code, uint rest, byte[] offending)
    {
        int quoted = Math.Min(offending.Length, 1280 - 48);
        var p = Icmpv6Packet(from, to, type, code, rest, offending.AsSpan(0, quoted).ToArray(), hopLimit: 255);
        p[1] = 0; p[2] = 0; p[3] = 0; // no traffic class or flow label on errors
        return p;
    }

    public static byte[] Forwarded(byte[] p)
    {
        var q = (byte[])p.Clone();
        q[7]--;
        return q;
    }
}

internal sealed class Router6Fixture
{
    public BufferPool Pool { get; } = new();
    public CapturingLog Log { get; } = new();
    public TestDevice Device { get; }
    private readonly Dictionary<string, CapturingEndpoint> _endpoints = new();

    public Router6Fixture(int mtu = 1400, bool pointToPoint = false)
    {
        Device = new TestDevice(new NetlinkDeviceOptions
        {
            Name = "netlink-tun",
            Networks = IpSet.Parse("172.18.232.8/29"),
            LocalAddress = Packets.A("172.18.232.9"),
            SecnetAddress = pointToPoint ? null : Packets.A("172.18.232.10"),
            PtpAddress = pointToPoint ? Packets.A("172.18.232.10") : null,
            Mtu = mtu,
            Networks6 = Ipv6Set.Parse("2001:db8:1::/48"),
            LocalAddress6 = Ipv6Address.Parse("2001:db8:1::1"),
            SecnetAddress6 = pointToPoint ? null : Ipv6Address.Parse(Ipv6Kit.Secnet6),
            PtpAddress6 = pointToPoint ? Ipv6Address.Parse("2001:db8:2::1") : null,
        }, Log, Pool);
    }

    public NetlinkClient AddClient(string name, string routes6, NetlinkRouteFlags flags = NetlinkRouteFlags.None,
        int priority = 0, LinkQuality quality = LinkQuality.Up, int mtu = 0, string routes = "172.18.232.0/29")
    {
        var c = Device.AddClient(new NetlinkRouteOptions
        {
            Name = name, Routes = IpSet.Parse(routes.Split(' ')),
            Routes6 = routes6.Length == 0 ? Ipv6Set.Empty : Ipv6Set.Parse(routes6.Split(' ')),
            Flags = flags, Priority = priority, Mtu = mtu,
        });
        var e = new CapturingEndpoint();
        _endpoints[name] = e;
        c.Register(e);
        c.SetQuality(quality);
        return c;
    }

    public List<byte[]> Sent(string client) => _endpoints[client].Packets;

    public void Setup()
    {
        Device.Setup();
        Log.Lines.Clear();
    }

    public void FromHost(byte[] p) => Device.FromHost(Packets.Buffer(Pool, p));

    public void FromTunnel(NetlinkClient c, byte[] p) => c.FromTunnel(Packets.Buffer(Pool, p));
}
