using Secnet.Log;
using Secnet.Netlink;
using static Secnet.Tests.Netlink.Ipv6Kit;

namespace Secnet.Tests.Netlink;

public class Ipv6RoutingTests
{
    private const string Host = "2001:db8:1::1";

    [Fact]
    public void HostPacketGoesToTheSiteWithTheLongestPrefix()
    {
        var f = new Router6Fixture();
        f.AddClient("wide", "2001:db8::/32", priority: 10);
        f.AddClient("narrow", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6(Host, "2001:db8:2::5");
        f.FromHost(p);
        Assert.Equal(Forwarded(p), Assert.Single(f.Sent("narrow")));
        Assert.Empty(f.Sent("wide"));
        var q = Ipv6(Host, "2001:db8:3::5");
        f.FromHost(q);
        Assert.Equal(Forwarded(q), Assert.Single(f.Sent("wide")));
    }

    [Fact]
    public void EqualPrefixesGoToTheBetterLinkThenByPriority()
    {
        var f = new Router6Fixture();
        f.AddClient("down", "2001:db8:2::/48", priority: 20, quality: LinkQuality.Down);
        f.AddClient("unknown", "2001:db8:2::/48", priority: 10, quality: LinkQuality.DownCurrentAddress);
        f.AddClient("up", "2001:db8:2::/48");
        f.Setup();
        f.FromHost(Ipv6(Host, "2001:db8:2::5"));
        Assert.Single(f.Sent("up"));
        Assert.Empty(f.Sent("unknown"));
        Assert.Empty(f.Sent("down"));
    }

    [Fact]
    public void TunnelPacketGoesToTheHostNetwork()
    {
        var f = new Router6Fixture();
        var c = f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6("2001:db8:2::5", Host);
        f.FromTunnel(c, p);
        Assert.Equal(Forwarded(p), Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters.HostCount);
    }

    [Fact]
    public void SiteWithoutRoutes6GetsNoIpv6AndTheHostGetsNoRoute()
    {
        // The rule that keeps IPv6 from a 0.6.7 peer: it has IPv4 routes only.
        var f = new Router6Fixture();
        f.AddClient("old", "");
        f.Setup();
        var p = Ipv6(Host, "2001:db8:9::5");
        f.FromHost(p);
        Assert.Empty(f.Sent("old"));
        var offending = Forwarded(p);
        Assert.Equal(ExpectedError(Secnet6, Host, 1, 0, 0, offending), Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.NoRoute6]);
        Assert.Equal(1, f.Device.Counters.IcmpSent);
    }

    [Fact]
    public void HopLimitOneGetsTimeExceeded()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6(Host, "2001:db8:2::5", hopLimit: 1);
        f.FromHost(p);
        Assert.Empty(f.Sent("site"));
        Assert.Equal(ExpectedError(Secnet6, Host, 3, 0, 0, p), Assert.Single(f.Device.ToHost));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.HopLimitExceeded]);
    }

    [Fact]
    public void OverTheSiteMtuGetsPacketTooBigNotFragments()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48", mtu: 1300);
        f.Setup();
        var p = Ipv6(Host, "2001:db8:2::5", payload: new byte[1360]);
        f.FromHost(p);
        Assert.Empty(f.Sent("site"));
        var error = Assert.Single(f.Device.ToHost);
        Assert.Equal(ExpectedError(Secnet6, Host, 2, 0, 1300, Forwarded(p)), error);
        Assert.Equal(1280, error.Length);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.PacketTooBig]);
        Assert.Equal(0, f.Device.Counters.FragmentsSent);
    }

    [Fact]
    public void PacketTooBigFromATunnelGoesBackThroughIt()
    {
        var f = new Router6Fixture(mtu: 1280);
        var c = f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6("2001:db8:2::5", Host, payload: new byte[1300]);
        f.FromTunnel(c, p);
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(ExpectedError(Secnet6, "2001:db8:2::5", 2, 0, 1280, Forwarded(p)), Assert.Single(f.Sent("site")));
    }

    [Fact]
    public void BadSourcesAreDropped()
    {
        var f = new Router6Fixture();
        var c = f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        f.FromHost(Ipv6("2001:db8:7::1", "2001:db8:2::5"));
        f.FromTunnel(c, Ipv6("2001:db8:7::1", Host));
        Assert.Empty(f.Sent("site"));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(2, f.Device.Counters[NetlinkDrop.BadSource6]);
        Assert.Contains((LogClass.Warning, "netlink-tun: outgoing IPv6 packet with bad source address (s=2001:db8:7::1,d=2001:db8:2::5)"), f.Log.Lines);
    }

    [Fact]
    public void NobodyButSecnetSpeaksFromSecnetAddress6()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        f.FromHost(Ipv6(Secnet6, "2001:db8:2::5"));
        f.FromHost(Ipv6(Secnet6, Host));
        Assert.Empty(f.Sent("site"));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(2, f.Device.Counters[NetlinkDrop.BadSource6]);
    }

    [Fact]
    public void RouteDumpShowsTheIpv6Table()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48 2001:db8:3::/48");
        f.AddClient("old", "");
        f.Device.Setup();
        var lines = f.Log.Texts.ToList();
        Assert.Contains("netlink-tun: IPv6 routing table:", lines);
        Assert.Contains("2001:db8:2::/48 2001:db8:3::/48 -> tunnel site", lines);
        Assert.DoesNotContain(lines, l => l.EndsWith("-> tunnel old", StringComparison.Ordinal)); // no routes6, no IPv6 line
        Assert.Contains("2001:db8:1::2/128 -> netlink \"netlink-tun\"", lines);
        Assert.Contains("2001:db8:1::/48 -> host", lines);
    }

    [Fact]
    public void LinkLocalAndMulticastAreDroppedQuietly()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        f.FromHost(Icmpv6Packet("fe80::1", "ff02::2", 133, 0, 0, []));
        f.FromHost(Ipv6(Host, "ff02::16"));
        Assert.Empty(f.Sent("site"));
        Assert.Empty(f.Log.Lines);
        Assert.Equal(2, f.Device.Counters[NetlinkDrop.LinkLocal6]);
    }

    [Fact]
    public void InvalidIpv6IsDroppedWithTheReason()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6(Host, "2001:db8:2::5");
        f.FromHost(p.Concat(new byte[3]).ToArray());
        f.FromHost(p[..30]);
        Assert.Equal(2, f.Device.Counters[NetlinkDrop.BadPacket6]);
        Assert.Contains((LogClass.Warning, "netlink-tun: bad IPv6 packet from host: packet size 51 != payload length + 40 = 48"), f.Log.Lines);
        Assert.Contains((LogClass.Warning, "netlink-tun: bad IPv6 packet from host: len 30"), f.Log.Lines);
    }

    [Fact]
    public void WithoutLocalAddress6Ipv6IsRefusedAs067Does()
    {
        var f = new RouterFixture();
        f.AddClient("outside", "172.18.232.0/29");
        f.Setup();
        f.FromHost(Ipv6(Host, "2001:db8:2::5"));
        Assert.Equal((LogClass.Warning, "netlink-tun: bad IP packet from host: version 6"), Assert.Single(f.Log.Lines));
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.BadPacket]);
    }

    [Fact]
    public void EchoToSecnetAddress6IsAnswered()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var data = new byte[] { 1, 2, 3, 4, 5 };
        f.FromHost(Icmpv6Packet(Host, Secnet6, 128, 0, 0x00070001, data));
        var reply = Assert.Single(f.Device.ToHost);
        var expected = Icmpv6Packet(Secnet6, Host, 129, 0, 0x00070001, data, hopLimit: 255);
        Assert.Equal(expected, reply);
    }

    [Fact]
    public void NonIcmpToSecnetAddress6GetsPortUnreachable()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6(Host, Secnet6);
        f.FromHost(p);
        Assert.Equal(ExpectedError(Secnet6, Host, 1, 4, 0, p), Assert.Single(f.Device.ToHost));
    }

    [Fact]
    public void ForwardingBetweenSitesNeedsAllowRoute()
    {
        var f = new Router6Fixture();
        var a = f.AddClient("a", "2001:db8:2::/48");
        f.AddClient("b", "2001:db8:3::/48", routes: "172.18.232.16/29");
        f.Setup();
        var p = Ipv6("2001:db8:2::5", "2001:db8:3::5");
        f.FromTunnel(a, p);
        Assert.Empty(f.Sent("b"));
        Assert.Equal(ExpectedError(Secnet6, "2001:db8:2::5", 1, 1, 0, Forwarded(p)), Assert.Single(f.Sent("a")));

        var g = new Router6Fixture();
        var ga = g.AddClient("a", "2001:db8:2::/48", NetlinkRouteFlags.AllowRoute);
        g.AddClient("b", "2001:db8:3::/48", NetlinkRouteFlags.AllowRoute, routes: "172.18.232.16/29");
        g.Setup();
        g.FromTunnel(ga, p);
        Assert.Equal(Forwarded(p), Assert.Single(g.Sent("b")));
    }

    [Fact]
    public void NoErrorAboutAnIcmpv6Error()
    {
        var f = new Router6Fixture();
        f.AddClient("site", "");
        f.Setup();
        f.FromHost(Icmpv6Packet(Host, "2001:db8:9::1", 1, 0, 0, new byte[48]));
        Assert.Empty(f.Device.ToHost);
        Assert.Equal(1, f.Device.Counters[NetlinkDrop.NoRoute6]);
        Assert.Equal(0, f.Device.Counters.IcmpSent);
    }

    [Fact]
    public void ErrorsAreRateLimitedButPacketTooBigIsNot()
    {
        long now = 0;
        var limit = new Icmpv6RateLimiter(() => now);
        int allowed = 0;
        for (int i = 0; i < 200; i++) if (limit.Allow(1)) allowed++;
        Assert.Equal(Icmpv6RateLimiter.Burst, allowed);
        for (int i = 0; i < 200; i++) Assert.True(limit.Allow(2));
        now += 10; // 10 ms refill 10 tokens at 1000/s
        allowed = 0;
        for (int i = 0; i < 200; i++) if (limit.Allow(3)) allowed++;
        Assert.Equal(10, allowed);
    }

    [Fact]
    public void PointToPointSendsOnlyWhatThePeerRoutes()
    {
        var f = new Router6Fixture(pointToPoint: true);
        var c = f.AddClient("peer", "2001:db8:2::/48");
        f.Setup();
        var p = Ipv6(Host, "2001:db8:2::5");
        f.FromHost(p);
        Assert.Equal(p, Assert.Single(f.Sent("peer")));
        var q = Ipv6(Host, "2001:db8:9::5");
        f.FromHost(q);
        Assert.Single(f.Sent("peer"));
        Assert.Equal(ExpectedError("2001:db8:2::1", Host, 1, 0, 0, q), Assert.Single(f.Device.ToHost));
        var back = Ipv6("2001:db8:2::5", Host);
        f.FromTunnel(c, back);
        Assert.Equal(back, f.Device.ToHost[1]);
    }

    [Fact]
    public void Icmpv6ChecksumMatchesTheReference()
    {
        var pool = new Secnet.Packets.BufferPool();
        var offending = Ipv6(Host, "2001:db8:2::5", payload: Enumerable.Range(0, 77).Select(i => (byte)i).ToArray());
        var built = Icmpv6Builder.Build(pool, offending, Ipv6Address.Parse(Secnet6), Ipv6Address.Parse(Host), 1, 3, 0)!;
        var bytes = built.Data.ToArray();
        built.Release();
        Assert.Equal(ReferenceIcmpv6Checksum(bytes), (ushort)((bytes[42] << 8) | bytes[43]));
        // A fixed vector: the echo request "ping -6 -c1" sends (id 0x1234, seq 1, 4 bytes), its
        // checksum as tcpdump showed it valid.
        var echo = Icmpv6Packet("2001:db8::1", "2001:db8::2", 128, 0, 0x12340001, [0xde, 0xad, 0xbe, 0xef]);
        var copy = (byte[])echo.Clone();
        Icmpv6Builder.SetChecksum(copy);
        Assert.Equal(echo, copy);
    }

    [Theory]
    [InlineData("2001:db8::/32", true, null)]
    [InlineData("2001:db8::1", true, null)]
    [InlineData("default", true, null)]
    [InlineData("2001:db8::1/32", false, "\"2001:db8::1/32\": prefix not fully contained in mask")]
    [InlineData("2001:db8::/129", false, "\"2001:db8::/129\": range error")]
    [InlineData("2001:db8:::/32", false, "\"2001:db8:::/32\" is not a valid IPv6 subnet specification")]
    [InlineData("192.0.2.0/24", false, "\"192.0.2.0/24\" is not a valid IPv6 subnet specification")]
    public void PrefixParsing(string text, bool ok, string? error)
    {
        Assert.Equal(ok, Ipv6Prefix.TryParse(text, out _, out var e));
        Assert.Equal(error, e);
    }

    [Fact]
    public void LongestMatchAndSubset()
    {
        var s = Ipv6Set.Parse("2001:db8::/32", "2001:db8:2::/48", "2001:db8:2::7");
        Assert.Equal(128, s.LongestMatch(Ipv6Address.Parse("2001:db8:2::7")));
        Assert.Equal(48, s.LongestMatch(Ipv6Address.Parse("2001:db8:2::8")));
        Assert.Equal(32, s.LongestMatch(Ipv6Address.Parse("2001:db8:3::8")));
        Assert.Equal(-1, s.LongestMatch(Ipv6Address.Parse("2001:db9::")));
        Assert.True(Ipv6Set.Parse("2001:db8:2::/48").IsSubsetOf(s));
        Assert.False(Ipv6Set.Parse("2001:db8::/31").IsSubsetOf(s));
    }
}

/// <summary>The kernel's IPv6 TSO packets (gso_type TCPV6) cut into segments; checked with a
/// checksum written out here.</summary>
public class Ipv6SegmentationTests
{
    private static byte[] Tso6(int payloadLength, byte flags, out byte[] payload)
    {
        payload = Enumerable.Range(0, payloadLength).Select(i => (byte)(i * 7 + 3)).ToArray();
        var tcp = new byte[20 + payload.Length];
        tcp[0] = 0x13; tcp[1] = 0x88; tcp[2] = 0xc3; tcp[3] = 0x50;
        Packets.Put32(tcp, 4, 0xfffffe00);
        tcp[12] = 0x50; tcp[13] = flags;
        tcp[14] = 0xff; tcp[15] = 0xff;
        tcp[16] = 0xab; tcp[17] = 0xcd; // partial checksum as the kernel leaves it: ignored
        payload.CopyTo(tcp, 20);
        return Ipv6Kit.Ipv6("2001:db8:1::1", "2001:db8:2::5", 6, tcp);
    }

    private static bool ReferenceTcpChecksumValid(byte[] p)
    {
        int length = p.Length - 40;
        var all = new List<byte>(p.AsSpan(8, 32).ToArray())
        {
            (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, 6,
        };
        all.AddRange(p.AsSpan(40).ToArray());
        return Packets.Checksum(all.ToArray()) == 0;
    }

    [Fact]
    public void TsoPacketBecomesValidSegments()
    {
        var tso = Tso6(10000, 0x19, out var payload); // ACK PSH FIN
        Assert.True(TcpSegmenter.TryPlan6(tso, 1220, out var plan));
        Assert.False(TcpSegmenter.TryPlan(tso, 1220, out _));
        Assert.Equal(9, plan.Count);
        var buffer = new byte[2048];
        var reassembled = new List<byte>();
        for (int i = 0; i < plan.Count; i++)
        {
            int length = TcpSegmenter.WriteSegment(tso, plan, i, buffer);
            var segment = buffer.AsSpan(0, length).ToArray();
            int expected = Math.Min(1220, payload.Length - i * 1220);
            Assert.Equal(60 + expected, length);
            Assert.Equal(length - 40, (segment[4] << 8) | segment[5]);
            Assert.Equal(tso.AsSpan(0, 4).ToArray(), segment.AsSpan(0, 4).ToArray()); // flow label kept
            Assert.True(ReferenceTcpChecksumValid(segment), $"TCP checksum of segment {i}");
            uint seq = (uint)((segment[44] << 24) | (segment[45] << 16) | (segment[46] << 8) | segment[47]);
            Assert.Equal(unchecked(0xfffffe00u + (uint)(i * 1220)), seq);
            Assert.Equal(i == plan.Count - 1 ? 0x19 : 0x10, segment[53]);
            reassembled.AddRange(segment.AsSpan(60).ToArray());
        }
        Assert.Equal(payload, reassembled.ToArray());
    }

    private static byte[] Segment6(uint sequence, byte flags, byte[] payload)
    {
        var tcp = new byte[20 + payload.Length];
        tcp[0] = 0x13; tcp[1] = 0x88; tcp[2] = 0xc3; tcp[3] = 0x50;
        Packets.Put32(tcp, 4, sequence);
        tcp[12] = 0x50; tcp[13] = flags; tcp[14] = 0x10; tcp[15] = 0x00;
        payload.CopyTo(tcp, 20);
        var p = Ipv6Kit.Ipv6("2001:db8:2::5", "2001:db8:1::1", 6, tcp);
        int length = p.Length - 40;
        var all = new List<byte>(p.AsSpan(8, 32).ToArray()) { (byte)(length >> 24), (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0, 0, 0, 6 };
        all.AddRange(tcp);
        var c = Packets.Checksum(all.ToArray());
        p[56] = (byte)(c >> 8); p[57] = (byte)c;
        return p;
    }

    [Fact]
    public void InOrderSegmentsCoalesceIntoOneTcpv6GsoPacket()
    {
        var payloads = Enumerable.Range(0, 3).Select(i => Enumerable.Repeat((byte)(i + 1), i == 2 ? 500 : 1200).ToArray()).ToArray();
        var segments = new[]
        {
            Segment6(1000, 0x10, payloads[0]), Segment6(2200, 0x10, payloads[1]), Segment6(3400, 0x18, payloads[2]),
        };
        var infos = new TcpSegmentInfo[3];
        for (int i = 0; i < 3; i++) Assert.Equal(CoalesceCandidate.Eligible, TcpCoalescer.Inspect(segments[i], out infos[i]));
        var bad = (byte[])segments[1].Clone(); bad[70] ^= 1;
        Assert.Equal(CoalesceCandidate.BadChecksum, TcpCoalescer.Inspect(bad, out _));
        var merged = new byte[VirtioNetHeader.Size + TcpCoalescer.MaxLength];
        var run = TcpCoalescer.Start(infos[0]);
        int used = TcpCoalescer.WriteHead(segments[0], merged);
        for (int i = 1; i < 3; i++)
        {
            Assert.True(TcpCoalescer.CanAppend(segments[0], run, segments[i], infos[i]));
            TcpCoalescer.Append(ref run, infos[i]);
            used = TcpCoalescer.WriteNext(merged, used, segments[i], infos[i]);
        }
        int total = TcpCoalescer.Finish(merged, run);
        var virtio = VirtioNetHeader.Read(merged);
        Assert.Equal(VirtioNetHeader.GsoTcpV6, virtio.GsoType);
        Assert.Equal(40, virtio.ChecksumStart);
        Assert.Equal(60, virtio.HeaderLength);
        Assert.Equal(1200, virtio.GsoSize);
        var packet = merged.AsSpan(VirtioNetHeader.Size, total - VirtioNetHeader.Size).ToArray();
        Assert.Equal(40 + 20 + 2900, packet.Length);
        Assert.Equal(packet.Length - 40, (packet[4] << 8) | packet[5]);
        Assert.Equal(0x18, packet[53]);
        // Cut again as the kernel would: the segments come back with right checksums.
        Assert.True(TcpSegmenter.TryPlan6(packet, virtio.GsoSize, out var plan));
        var buffer = new byte[2048];
        for (int i = 0; i < 3; i++)
        {
            int n = TcpSegmenter.WriteSegment(packet, plan, i, buffer);
            Assert.True(ReferenceTcpChecksumValid(buffer.AsSpan(0, n).ToArray()));
            Assert.Equal(payloads[i], buffer.AsSpan(60, n - 60).ToArray());
        }
    }

    [Fact]
    public void NotSegmentable()
    {
        var tso = Tso6(100, 0x10, out _);
        var udp = (byte[])tso.Clone(); udp[6] = 17;
        var badLength = tso[..^1];
        var noPayload = Tso6(0, 0x10, out _);
        Assert.False(TcpSegmenter.TryPlan6(udp, 50, out _));
        Assert.False(TcpSegmenter.TryPlan6(badLength, 50, out _));
        Assert.False(TcpSegmenter.TryPlan6(noPayload, 50, out _));
        Assert.False(TcpSegmenter.TryPlan6(tso, 0, out _));
    }
}
