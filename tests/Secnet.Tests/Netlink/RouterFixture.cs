using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>A router-mode device like the spec's verified setup: host 172.18.232.9,
/// secnet-address 172.18.232.10, host network 172.18.232.8/29, MTU 1400.</summary>
internal sealed class RouterFixture
{
    public const string Secnet = "172.18.232.10";
    public BufferPool Pool { get; } = new();
    public CapturingLog Log { get; } = new();
    public TestDevice Device { get; }
    private readonly Dictionary<string, CapturingEndpoint> _endpoints = new();

    public RouterFixture(int mtu = 1400, string networks = "172.18.232.8/29")
    {
        Device = new TestDevice(new NetlinkDeviceOptions
        {
            Name = "netlink-tun",
            Networks = IpSet.Parse(networks),
            LocalAddress = A("172.18.232.9"),
            SecnetAddress = A(Secnet),
            Mtu = mtu,
        }, Log, Pool);
    }

    public NetlinkClient AddClient(string name, string routes, NetlinkRouteFlags flags = NetlinkRouteFlags.None,
        int priority = 0, LinkQuality quality = LinkQuality.Up, bool register = true, int mtu = 0)
    {
        var c = Device.AddClient(new NetlinkRouteOptions
        {
            Name = name, Routes = IpSet.Parse(routes.Split(' ')), Flags = flags, Priority = priority, Mtu = mtu,
        });
        if (register)
        {
            var e = new CapturingEndpoint();
            _endpoints[name] = e;
            c.Register(e);
        }
        c.SetQuality(quality);
        return c;
    }

    public List<byte[]> Sent(string client) => _endpoints[client].Packets;

    public void Setup()
    {
        Device.Setup();
        Log.Lines.Clear();
    }

    public void FromHost(byte[] p) => Device.FromHost(Buffer(Pool, p));

    public void FromTunnel(NetlinkClient c, byte[] p) => c.FromTunnel(Buffer(Pool, p));

    public static byte[] Forwarded(byte[] p)
    {
        var q = (byte[])p.Clone();
        q[8]--;
        FixIpChecksum(q);
        return q;
    }
}
