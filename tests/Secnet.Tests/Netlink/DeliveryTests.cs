using Secnet.Log;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.Packets;

namespace Secnet.Tests.Netlink;

public class DeliveryTests
{
    private static byte[] Payload(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 7)).ToArray();

    private static int Offset(byte[] p) => ((p[6] & 0x1f) << 8 | p[7]) * 8;
    private static bool MoreFragments(byte[] p) => (p[6] & 0x20) != 0;
    private static int HeaderLength(byte[] p) => (p[0] & 15) * 4;

    [Fact]
    public void DontFragmentGetsFragmentationNeededWithMtu()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 576);
        f.Setup();
        var p = Ipv4("172.18.232.9", "172.18.232.1", protocol: 1, payload: Icmp(8, 0, 1, Payload(900)), flagsOffset: 0x4000);
        f.FromHost(p);
        Assert.Empty(f.Sent("outside"));
        Assert.Equal(ExpectedIcmpError(RouterFixture.Secnet, "172.18.232.9", 3, 4, 0x00000240, RouterFixture.Forwarded(p)),
            Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.DontFragment]);
    }

    [Fact]
    public void EchoOf928BytesAtMtu576SplitsInto572And376()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 576);
        f.Setup();
        var p = Ipv4("172.18.232.9", "172.18.232.1", protocol: 1, payload: Icmp(8, 0, 1, Payload(900)), id: 0x4242);
        Assert.Equal(928, p.Length);
        f.FromHost(p);
        var frags = f.Sent("outside");
        Assert.Equal([572, 376], frags.Select(x => x.Length));
        var forwarded = RouterFixture.Forwarded(p);
        AssertReassemblesTo(forwarded, frags);
        Assert.True(MoreFragments(frags[0]));
        Assert.False(MoreFragments(frags[1]));
        Assert.Equal(552, Offset(frags[1]));
    }

    [Fact]
    public void RefragmentingAFragmentContinuesItsOffsetAndKeepsMoreFragments()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 100);
        f.Setup();
        // A middle fragment: offset 800 bytes, MF set.
        var p = Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(200), flagsOffset: 0x2000 | 100);
        f.FromHost(p);
        var frags = f.Sent("outside");
        Assert.Equal([800, 880, 960], frags.Select(Offset));
        Assert.All(frags, x => Assert.True(MoreFragments(x)));
        Assert.Equal([80, 80, 40], frags.Select(x => x.Length - 20));
        Assert.All(frags, x => Assert.Equal(0, Checksum(x.AsSpan(0, 20))));
    }

    [Fact]
    public void LaterFragmentsKeepOnlyCopiedOptionsPaddedAndNopsDoNotHang()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 100);
        f.Setup();
        // NOP, record route (not copied, len 7), security-like copied option 0x82 len 4, EOL.
        byte[] options = [0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0, 0x82, 0x04, 0xAA, 0xBB, 0x00, 0, 0, 0];
        var p = Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(150), options: options);
        f.FromHost(p);
        var frags = f.Sent("outside");
        Assert.Equal(36, HeaderLength(frags[0]));
        Assert.Equal(options, frags[0][20..36]);
        Assert.True(frags.Count > 1);
        foreach (var later in frags.Skip(1))
        {
            Assert.Equal(24, HeaderLength(later));
            Assert.Equal(new byte[] { 0x82, 0x04, 0xAA, 0xBB }, later[20..24]);
            Assert.Equal(0, Checksum(later.AsSpan(0, 24)));
        }
        AssertPayloadCovers(Payload(150), frags);
    }

    [Theory]
    [InlineData(new byte[] { 0x07, 0x09, 0, 0 }, "IPv4 options truncated in option")]
    [InlineData(new byte[] { 0x01, 0x01, 0x01, 0x07 }, "IPv4 options truncated at length")]
    public void TruncatedOptionsStopAfterTheFirstFragment(byte[] options, string reason)
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 100);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(200), options: options));
        Assert.Single(f.Sent("outside"));
        Assert.Contains((LogClass.Warning, $"netlink-tun: fragmenting packet from source 172.18.232.9 for transmission via outside: {reason}"), f.Log.Lines);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.FragmentError]);
    }

    [Fact]
    public void FragmentOffsetBeyondTheFieldStops()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 100);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(200), flagsOffset: 8185));
        Assert.Single(f.Sent("outside"));
        Assert.Contains((LogClass.Warning, "netlink-tun: fragmenting packet from source 172.18.232.9 for transmission via outside: ultimate fragment offset out of range"), f.Log.Lines);
    }

    [Fact]
    public void MtuBelowHeaderPlusEightIsRefused()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29", mtu: 27);
        f.Setup();
        f.FromHost(Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(40)));
        Assert.Empty(f.Sent("outside"));
        Assert.Contains((LogClass.Warning, "netlink-tun: fragmenting packet from source 172.18.232.9 for transmission via outside: mtu 27 too small"), f.Log.Lines);
    }

    [Fact]
    public void HostDeliveryUsesDeviceMtuAndNamesHost()
    {
        var f = new RouterFixture(mtu: 27);
        var c = f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        f.FromTunnel(c, Ipv4("172.18.232.1", "172.18.232.9", payload: Payload(40)));
        Assert.Contains((LogClass.Warning, "netlink-tun: fragmenting packet from source 172.18.232.1 for transmission via (host): mtu 27 too small"), f.Log.Lines);
    }

    [Fact]
    public void SiteMtuOverridesConfiguredMtu()
    {
        var f = new RouterFixture();
        var c = f.AddClient("outside", "172.18.232.0/29", mtu: 1300);
        f.Setup();
        c.SetMtu(100);
        f.FromHost(Ipv4("172.18.232.9", "172.18.232.1", payload: Payload(150)));
        Assert.Equal(2, f.Sent("outside").Count);
    }

    private static void AssertReassemblesTo(byte[] original, List<byte[]> frags)
    {
        int hl = HeaderLength(original);
        var payload = new byte[original.Length - hl];
        foreach (var fr in frags)
        {
            int fhl = HeaderLength(fr);
            Assert.Equal(0, Checksum(fr.AsSpan(0, fhl)));
            Assert.Equal(fr.Length, fr[2] << 8 | fr[3]);
            Assert.Equal(original.AsSpan(4, 2).ToArray(), fr.AsSpan(4, 2).ToArray());
            fr.AsSpan(fhl).CopyTo(payload.AsSpan(Offset(fr)));
        }
        Assert.Equal(original[hl..], payload);
        Assert.Equal(original[..hl][12..20], frags[0][12..20]);
    }

    private static void AssertPayloadCovers(byte[] payload, List<byte[]> frags)
    {
        var got = new byte[payload.Length];
        foreach (var fr in frags) fr.AsSpan(HeaderLength(fr)).CopyTo(got.AsSpan(Offset(fr)));
        Assert.Equal(payload, got);
    }
}
