using Secnet.Log;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

public class ValidationAndLocalTests
{
    private static RouterFixture Fixture()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        return f;
    }

    public static TheoryData<string, byte[]> BadPackets()
    {
        var good = Ipv4("172.18.232.9", "172.18.232.1");
        var ipv6 = new byte[40];
        ipv6[0] = 0x60;
        var ihl4 = (byte[])good.Clone(); ihl4[0] = 0x44;
        var ihl6 = (byte[])good.Clone(); ihl6[0] = 0x46;
        var shortForIhl = ihl6[..22];
        var badSum = (byte[])good.Clone(); badSum[10] ^= 0x55;
        var padded = good.Concat(new byte[2]).ToArray();
        var totalBelowHeader = (byte[])good.Clone(); totalBelowHeader[2] = 0; totalBelowHeader[3] = 16;
        // secnet's last check (total < IHL×4) cannot fire once size == total and size ≥ IHL×4
        // have passed; a short total length is reported as a length mismatch.
        var tb = totalBelowHeader[..20];
        return new TheoryData<string, byte[]>
        {
            { "len 10", good[..10] },
            { "version 6", ipv6 },
            { "ihl 4", WithChecksum(ihl4) },
            { "size 22<6*4", shortForIhl },
            { "csum", badSum },
            { "len 30!=28", padded },
            { "len 20!=16", WithChecksum(tb) },
        };
    }

    private static byte[] WithChecksum(byte[] p)
    {
        if ((p[0] & 15) >= 5) FixIpChecksum(p);
        return p;
    }

    [Theory]
    [MemberData(nameof(BadPackets))]
    public void InvalidPacketsFromHostAreDroppedWithSecnetsReason(string reason, byte[] packet)
    {
        var f = Fixture();
        f.FromHost(packet);
        Assert.Empty(f.Sent("outside"));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal((LogClass.Warning, $"netlink-tun: bad IP packet from host: {reason}"), Assert.Single(f.Log.Lines));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.BadPacket]);
    }

    [Fact]
    public void InvalidPacketFromTunnelNamesTheTunnel()
    {
        var f = Fixture();
        var c = f.Device.RoutingTable[0];
        f.FromTunnel(c, new byte[5]);
        Assert.Equal((LogClass.Warning, "netlink-tun: bad IP packet from outside: len 5"), Assert.Single(f.Log.Lines));
    }

    [Fact]
    public void EchoRequestToSecnetIsAnsweredInPlace()
    {
        var f = Fixture();
        var echo = Icmp(8, 0, 0x00420007, [1, 2, 3, 4, 5, 6]);
        var request = Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 1, payload: echo, ttl: 64, id: 0x1234, flagsOffset: 0x4000, tos: 0x10);
        f.FromHost(request);
        // Expected: id, TOS, flags and payload kept; TTL 255; addresses swapped; type 0.
        var expected = Ipv4(RouterFixture.Secnet, "172.18.232.9", protocol: 1, payload: Icmp(0, 0, 0x00420007, [1, 2, 3, 4, 5, 6]),
            ttl: 255, id: 0x1234, flagsOffset: 0x4000, tos: 0x10);
        Assert.Equal(expected, Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters.LocalCount);
    }

    [Fact]
    public void EchoRequestWithOptionsKeepsOptions()
    {
        var f = Fixture();
        var echo = Icmp(8, 0, 0x00010001, [9, 9]);
        byte[] options = [0x94, 0x04, 0x00, 0x00];
        f.FromHost(Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 1, payload: echo, options: options));
        var expected = Ipv4(RouterFixture.Secnet, "172.18.232.9", protocol: 1, payload: Icmp(0, 0, 0x00010001, [9, 9]),
            ttl: 255, options: options);
        Assert.Equal(expected, Assert.Single(f.Device.ToHost));
    }

    [Fact]
    public void OtherProtocolToSecnetGetsProtocolUnreachable()
    {
        var f = Fixture();
        var p = Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 6, payload: [0, 80, 0, 81, 1, 2, 3, 4, 5, 6, 7, 8]);
        f.FromHost(p);
        // The quote is the header plus 8 payload bytes, TTL not decremented (not forwarded).
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "172.18.232.9", 3, 2, 0, p), Assert.Single(f.Device.ToHost));
    }

    [Fact]
    public void OtherIcmpToSecnetIsIgnoredWithWarning()
    {
        var f = Fixture();
        f.FromHost(Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 1, payload: Icmp(13, 0, 0, new byte[12])));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal((LogClass.Warning, "netlink-tun: unknown incoming ICMP"), Assert.Single(f.Log.Lines));
    }

    [Fact]
    public void ShortPacketToSecnetIsIgnored()
    {
        var f = Fixture();
        f.FromHost(Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 17, payload: [1, 2, 3]));
        Assert.Equal((LogClass.Warning, "netlink-tun: short packet addressed to secnet; ignoring it"), Assert.Single(f.Log.Lines));
    }

    [Theory]
    [InlineData(0x2000, true)]
    [InlineData(0x0001, false)]
    [InlineData(0x2003, false)]
    public void FragmentsToSecnetAreDroppedWarningOnlyForTheFirst(int flagsOffset, bool warns)
    {
        var f = Fixture();
        f.FromHost(Ipv4("172.18.232.9", RouterFixture.Secnet, protocol: 1, payload: Icmp(8, 0, 0, new byte[8]), flagsOffset: (ushort)flagsOffset));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(warns ? 1 : 0, f.Log.Lines.Count);
        if (warns) Assert.Equal("netlink-tun: fragmented packet addressed to secnet; ignoring it", f.Log.Lines[0].Text);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.LocalFragment]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("240.0.0.1")]
    public void NoIcmpForSourcesThatAreNotOneHost(string source)
    {
        var f = new RouterFixture(networks: "default");
        f.Setup();
        f.FromHost(Ipv4(source, "192.0.2.1", ttl: 1));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(0, f.Device.Counters.IcmpSent);
    }

    [Fact]
    public void NoIcmpAboutIcmpErrorsOrNonInitialFragments()
    {
        var f = new RouterFixture(networks: "default");
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "192.0.2.1", protocol: 1, payload: Icmp(3, 1, 0, new byte[28]), ttl: 1));
        f.FromHost(Ipv4("172.18.232.9", "192.0.2.1", flagsOffset: 0x0010, ttl: 1));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(0, f.Device.Counters.IcmpSent);
    }

    [Fact]
    public void EchoRequestsAreAnswerableEvenAsNonInitialFragments()
    {
        // secnet's check accepts ICMP echo/timestamp before it looks at fragments or sources.
        var f = new RouterFixture(networks: "default");
        f.Setup();
        var p = Ipv4("172.18.232.9", "192.0.2.1", protocol: 1, payload: Icmp(8, 0, 0, new byte[8]), flagsOffset: 0x0010, ttl: 1);
        f.FromHost(p);
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "172.18.232.9", 11, 0, 0, p), Assert.Single(f.Device.ToHost));
    }
}
