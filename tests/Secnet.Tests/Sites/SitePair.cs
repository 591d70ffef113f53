using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Transforms;
using SiteT = Secnet.Sites.Site;
using Secnet.Sites;

namespace Secnet.Tests.Sites;

/// <summary>Two sites, alpha and bravo, back to back through an in-memory network and a manual clock.</summary>
internal sealed class SitePair
{
    public ManualScheduler Clock { get; } = new();
    public InMemoryNetwork Net { get; }
    public InMemoryComm AlphaComm { get; }
    public InMemoryComm BravoComm { get; }
    public FakeNetlink AlphaLink { get; } = new("alpha-link");
    public FakeNetlink BravoLink { get; } = new("bravo-link");
    public ListLog AlphaLog { get; } = new();
    public ListLog BravoLog { get; } = new();
    public SiteT Alpha { get; private set; }
    public SiteT Bravo { get; private set; }

    public SitePair(Func<SiteOptions, SiteOptions>? alpha = null, Func<SiteOptions, SiteOptions>? bravo = null,
        CryptoWorkerPool? workers = null)
    {
        _workers = workers;
        Net = new InMemoryNetwork(Clock);
        AlphaComm = Net.Add("10.99.0.1", 16900);
        BravoComm = Net.Add("10.99.0.2", 16910);
        _alphaTweak = alpha ?? (o => o);
        _bravoTweak = bravo ?? (o => o);
        Alpha = MakeAlpha();
        Bravo = MakeBravo();
        Alpha.Start();
        Bravo.Start();
        Clock.Pump();
    }

    private readonly Func<SiteOptions, SiteOptions> _alphaTweak, _bravoTweak;
    private readonly CryptoWorkerPool? _workers;

    public static SiteOptions Options(string local, string peer, string peerAddress, int port, ListLog log, byte seed) => new()
    {
        Log = log, LogEvents = SiteLogEvents.All, LocalName = local, Name = peer,
        Random = new CountingRandom(seed), LocalKey = new FakeKey(local), PeerKey = new FakeKey(peer),
        Addresses = [peerAddress], Port = port,
        Transforms = [new FakeTransform("eax-fake", 9), new FakeTransform("cbc-fake", 8, 76)],
        Dh = new FakeDh(), LinkMtu = 1400,
    };

    private SiteT MakeAlpha() => new(_alphaTweak(Options("alpha", "bravo", "[10.99.0.2]", 16910, AlphaLog, 0x10) with { MtuTarget = 1260 }),
        1, Clock, AlphaLink, [AlphaComm], new LiteralResolver(Clock)) { Workers = _workers };

    private SiteT MakeBravo() => new(_bravoTweak(Options("bravo", "alpha", "[10.99.0.1]", 16900, BravoLog, 0x80)),
        1, Clock, BravoLink, [BravoComm], new LiteralResolver(Clock)) { Workers = _workers };

    /// <summary>Simulates a crash and restart of bravo (its MSG7 is lost): a fresh site on the same comm.</summary>
    public void RestartBravo()
    {
        var drop = Net.Drop;
        Net.Drop = (_, from, _) => from.Port == 16910;
        Bravo.Shutdown();
        Clock.Pump();
        Net.Drop = drop;
        BravoComm.ClearReceivers();
        Bravo = MakeBravo();
        Bravo.Start();
        Clock.Pump();
    }

    public void SendFrom(SiteT site, byte[] payload)
    {
        var b = Net.Pool.Rent();
        b.CopyFrom(payload);
        site.QueueSeal(b);
    }

    public void EstablishKey()
    {
        SendFrom(Alpha, [1, 2, 3]);
        Clock.Advance(100);
        Assert.NotNull(Alpha.Keys.Current);
        Assert.NotNull(Bravo.Keys.Current);
    }
}
