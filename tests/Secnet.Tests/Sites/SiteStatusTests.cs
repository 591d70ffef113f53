using Secnet.Sites;

namespace Secnet.Tests.Sites;

/// <summary>What secnet-ctl status reads of a site (Site.Status) and what rekey does.</summary>
public sealed class SiteStatusTests
{
    [Fact]
    public void UnkeyedSiteShowsNoKeyAndCountsTheDrop()
    {
        var pair = new SitePair(alpha: o => o with { Addresses = [] });
        pair.SendFrom(pair.Alpha, [1, 2, 3]);
        pair.Clock.Pump();
        var s = pair.Alpha.Status();
        Assert.Equal("bravo", s.Name);
        Assert.Equal("alpha", s.LocalName);
        Assert.False(s.Keyed);
        Assert.Null(s.Transform);
        Assert.Null(s.KeyAge);
        Assert.Null(s.LastKeyExchange);
        Assert.Null(s.LastPacketSent);
        Assert.Empty(s.PeerAddresses);
        Assert.Equal(1, s.Drops.NoKey);
        Assert.Equal(1, s.Drops.Total);
        // No address to send MSG1 to: an exchange that could not start counts as failed.
        Assert.Equal(1, s.KeyExchangeFailures);
    }

    [Fact]
    public void KeyedSiteShowsTransformMtuKeyTimesAndTraffic()
    {
        var pair = new SitePair();
        pair.EstablishKey();
        pair.Clock.Advance(5_000);
        for (int i = 0; i < 3; i++) pair.SendFrom(pair.Alpha, new byte[100]);
        pair.SendFrom(pair.Bravo, new byte[50]);
        pair.Clock.Pump();
        var s = pair.Alpha.Status();
        Assert.Equal(SiteState.Run, s.State);
        Assert.True(s.Keyed);
        Assert.Equal("eax-fake", s.Transform);
        Assert.Equal(1260, s.Mtu);
        Assert.Equal(["[10.99.0.2]:16910"], s.PeerAddresses);
        Assert.InRange(s.KeyAge!.Value.TotalSeconds, 5, 6);
        Assert.Equal(3600 - s.KeyAge!.Value.TotalSeconds, s.KeyLifetimeLeft!.Value.TotalSeconds, 3);
        Assert.NotNull(s.LastKeyExchange);
        Assert.NotNull(s.LastPacketSent);
        Assert.NotNull(s.LastPacketReceived);
        Assert.Equal(1, s.KeyExchanges);
        Assert.Equal(0, s.KeyExchangeFailures);
        // The data packets and the key setup messages both count, with their bytes.
        Assert.True(s.PacketsSent >= 4, $"sent {s.PacketsSent}");
        Assert.True(s.BytesSent >= 3 * 100, $"bytes {s.BytesSent}");
        Assert.True(s.BytesReceived >= 50, $"bytes {s.BytesReceived}");
        // EstablishKey's first packet found no key: it was dropped and started the exchange.
        Assert.Equal(1, s.Drops.NoKey);
        Assert.Equal(1, s.Drops.Total);
    }

    [Fact]
    public void RekeyStartsAnExchangeThatEndsInANewKey()
    {
        var pair = new SitePair();
        pair.EstablishKey();
        Assert.Equal(RekeyResult.Started, pair.Alpha.RequestKeyExchange());
        Assert.Equal(RekeyResult.InProgress, pair.Alpha.RequestKeyExchange());
        pair.Clock.Advance(100);
        Assert.Equal(SiteState.Run, pair.Alpha.State);
        Assert.Equal(2, pair.Alpha.Status().KeyExchanges);
        Assert.Contains(pair.AlphaLog.Lines, l => l.Contains("initiating key exchange (requested by secnet-ctl)", StringComparison.Ordinal));
    }

    [Fact]
    public void RekeyInWaitIsRefused()
    {
        var pair = new SitePair();
        pair.Net.Drop = (_, _, _) => true;
        pair.SendFrom(pair.Alpha, [1]);
        for (int i = 0; i < 600 && pair.Alpha.State != SiteState.Wait; i++) pair.Clock.Advance(100);
        Assert.Equal(SiteState.Wait, pair.Alpha.State);
        Assert.Equal(RekeyResult.NotNow, pair.Alpha.RequestKeyExchange());
        Assert.True(pair.Alpha.Status().KeyExchangeFailures >= 1);
    }

    [Fact]
    public void DirectoryListsStartedSitesUntilTheyShutDown()
    {
        var pair = new SitePair();
        var clock = new ManualScheduler();
        var configured = new ConfiguredSite(SitePair.Options("alpha", "charlie", "[10.99.0.3]", 16920, new ListLog(), 3),
            7, new FakeNetlink("charlie-link"), [pair.AlphaComm], new LiteralResolver(clock));
        var dir = new SiteDirectory();
        dir.Add(configured);
        Assert.Empty(dir.Running);
        var site = configured.Create(clock);
        Assert.Empty(dir.Running);
        site.Start();
        Assert.Same(site, dir.Find("charlie"));
        Assert.Null(dir.Find("alpha"));
        site.Shutdown();
        Assert.Null(dir.Find("charlie"));
        Assert.True(dir.Remove(configured));
    }
}
