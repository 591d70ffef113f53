using System.Text;
using Secnet.Config;
using Secnet.Modules;
using Secnet.Runtime;
using Secnet.Sites;
using Secnet.Tests.Sites;

namespace Secnet.Tests.Modules;

public class SiteModulesTests
{
    private const string Common = """
        udpc udp { buffer buf; address "127.0.0.1"; port 0; };
        res adns { };

        """;

    private const string GoodSite = """
        local-name "me"; name "peer";
        link peerlink; comm udpc; resolver res; random rnd;
        local-key priv; key pub; transform tf; dh dhg;
        """;

    private static (ConfigDict Root, ListLog Log) Load(string text)
    {
        var registry = ModuleRegistry.CreateDefault();
        registry.Add("log", new ClosureItem("log", ClosureType.Log, new ListLog()));
        registry.Add("buf", new ClosureItem("sysbuffer", ClosureType.Buffer, new SysBuffer(4096, false)));
        registry.Add("peerlink", new ClosureItem("peerlink", ClosureType.Netlink, new FakeNetlink("peerlink")));
        registry.Add("rnd", new ClosureItem("rnd", ClosureType.RandomSrc, new CountingRandom(1)));
        registry.Add("priv", new ClosureItem("priv", ClosureType.SigPrivKey, new FakeKey("me")));
        registry.Add("pub", new ClosureItem("pub", ClosureType.SigPubKey, new FakeKey("peer")));
        registry.Add("tf", new ClosureItem("tf", ClosureType.Transform, new FakeTransform()));
        registry.Add("dhg", new ClosureItem("dhg", ClosureType.Dh, new FakeDh()));
        var log = new ListLog();
        var root = ConfigLoader.LoadBytes("t.conf", Encoding.UTF8.GetBytes(Common + text), registry, new Secnet.Modules.ModuleContext(log, justCheck: true));
        return (root, log);
    }

    private static string Error(string text) => Assert.Throws<ConfigException>(() => Load(text)).Message;

    [Fact]
    public void GoodSiteBuildsOptionsWithDefaults()
    {
        var (root, _) = Load($"sites site {{ {GoodSite} address \"[10.0.0.1]\"; port 4000; mtu-target 1200; log-events \"default\"; }};\n");
        var item = Assert.IsType<ClosureItem>(Assert.Single(root.Find("sites")!.Value));
        var site = Assert.IsType<ConfiguredSite>(item.Value);
        Assert.Equal(1u, site.Index);
        Assert.Equal(3600000, site.Options.EffectiveKeyLifetimeMs);
        Assert.Equal(3300000, site.Options.EffectiveRenegotiateTimeMs);
        Assert.Equal(4, site.Options.EffectivePeersMax);
        Assert.Equal(1200, site.Options.EffectiveMtuTarget);
        Assert.Equal(SiteLogEvents.Default, site.Options.LogEvents);
        Assert.Equal(0x200u, site.Options.Capabilities);
    }

    /// <summary>0.6.7's recommended form: key-cache instead of local-key, peer-keys (which
    /// overrides key) naming a key-set file that may not exist yet (logged, as 0.6.7 does).</summary>
    [Fact]
    public void KeyCacheAndPeerKeysReplaceLocalKeyAndKey()
    {
        string dir = Directory.CreateTempSubdirectory("sitekeys").FullName;
        try
        {
            var (root, log) = Load($$"""
                sites site { local-name "me"; name "peer"; link peerlink; comm udpc; resolver res; random rnd;
                  transform tf; dh dhg; key pub;
                  key-cache priv-cache({ privkeys "{{dir}}/priv."; });
                  peer-keys "{{dir}}/peer.peer"; };

                """);
            var site = Assert.IsType<ConfiguredSite>(Assert.IsType<ClosureItem>(Assert.Single(root.Find("sites")!.Value)).Value);
            Assert.IsType<Secnet.Crypto.RsaPrivateKeyCache>(site.Options.PrivateKeys);
            Assert.Null(site.Options.LocalKey);
            var files = Assert.IsType<Secnet.Keys.PeerKeyFiles>(site.Options.PeerKeys);
            Assert.Null(site.Options.PeerKey);
            Assert.Equal(0, files.Current.Count);
            Assert.True(log.Has($"could not open keyset file {dir}/peer.peer: No such file or directory"));
            Assert.False(log.Has("old-style"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Assert.Contains("required parameter \"peer-keys\" not found",
            Error("sites site { local-name \"me\"; name \"peer\"; link peerlink; comm udpc; resolver res; random rnd; local-key priv; transform tf; dh dhg; };\n"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void MobileDefaultsApply()
    {
        var (root, _) = Load($"sites site {{ {GoodSite} mobile true; }};\n");
        var site = (ConfiguredSite)((ClosureItem)root.Find("sites")!.Value[0]).Value!;
        Assert.Equal(172800000, site.Options.EffectiveKeyLifetimeMs);
        Assert.Equal(30, site.Options.EffectiveSetupRetries);
        Assert.Equal(3, site.Options.EffectivePeersMax);
        Assert.Equal(0x80000200u, site.Options.Capabilities);
    }

    [Theory]
    [InlineData("local-name \"me\"; name \"peer\";", "config error (site, t.conf:5): required parameter \"link\" not found")]
    [InlineData("name \"peer\"; link peerlink;", "config error (site, t.conf:5): required parameter \"local-name\" not found")]
    [InlineData("local-name \"me\"; name \"peer\"; link peerlink; comm buf;", "config error (site, t.conf:5): \"comm\" is the wrong type of closure (expected COMM, got BUFFER)")]
    [InlineData("local-name \"me\"; name \"peer\"; link peerlink; comm \"x\";", "config error (site, t.conf:5): comm is not a closure")]
    [InlineData("local-name \"me\"; name \"peer\"; link peerlink; comm udpc; comm-info 1;", "config error (site, t.conf:5): \"comm-info\" must be a dictionary")]
    [InlineData("local-name \"me\"; name \"me\"; mobile true;", "config error (site, t.conf:5): site me's peer-mobile=1 but our local-mobile=0")]
    [InlineData("log-events \"nosuch\";", "config error (site, t.conf:4): option \"nosuch\" not known")]
    public void SiteErrors(string body, string expected)
    {
        Assert.Equal(expected, Error($"sites site {{\n{body}\n}};\n"));
    }

    /// <summary>adns' config text: refused with the text's line, at the config value.</summary>
    [Fact]
    public void AdnsConfigErrorsNameTheLine()
    {
        Assert.Equal("config error (adns, t.conf:4): adns config line 2: options: option `debug' is not supported by this implementation",
            Error("r2 adns {\n config \"nameserver 192.0.2.53\noptions debug\";\n};\n"));
        var (root, _) = Load("r2 adns { config \"nameserver 192.0.2.53\"; };\n");
        Assert.IsType<Secnet.Comm.DnsResolver>(((ClosureItem)root.Find("r2")!.Value[0]).Value);
    }

    private const string Polypath = "pp polypath { buffer buf; port 0; monitor-command \"/bin/true\"; };\n";

    private static IReadOnlyList<Secnet.Comm.IComm> CommsOf(string siteBody)
    {
        var (root, _) = Load(Polypath + $"sites site {{ {GoodSite.Replace("comm udpc;", "comm pp, udpc;", StringComparison.Ordinal)} {siteBody} }};\n");
        return ((ConfiguredSite)((ClosureItem)root.Find("sites")!.Value[0]).Value!).Comms;
    }

    /// <summary>0.6.7: polypath reads comm-info's dedicated-interface-addr (the first value of a
    /// list; other keys ignored); a udp comm ignores comm-info; in the site dictionary itself the
    /// key means nothing (all observed with -j and tcpdump, tests/e2e/daemon-comminfo.sh).</summary>
    [Theory]
    [InlineData("comm-info { other 1; dedicated-interface-addr \"203.0.113.1\"; };", "203.0.113.1")]
    [InlineData("comm-info { dedicated-interface-addr \"2001:db8::7\", \"203.0.113.1\"; };", "2001:db8::7")]
    [InlineData("comm-info { other 1; };", null)]
    [InlineData("dedicated-interface-addr \"203.0.113.1\";", null)]
    public void CommInfoGivesPolypathTheDedicatedAddress(string siteBody, string? expected)
    {
        var comms = CommsOf(siteBody);
        Assert.IsType<Secnet.Comm.UdpComm>(comms[1]);
        if (expected is null)
        {
            Assert.IsType<Secnet.Comm.PolypathComm>(comms[0]);
            return;
        }
        var view = Assert.IsType<Secnet.Comm.PolypathSiteComm>(comms[0]);
        Assert.Equal(System.Net.IPAddress.Parse(expected), view.DedicatedAddress);
    }

    [Theory]
    [InlineData("dedicated-interface-addr 7;", "expecting a string IP (v4 or v6) address")]
    [InlineData("dedicated-interface-addr \"300.1.1.1\";", "invalid IP (v4 or v6) address: Invalid argument")]
    [InlineData("dedicated-interface-addr \"[203.0.113.1]\";", "invalid IP (v4 or v6) address: Invalid argument")]
    [InlineData("dedicated-interface-addr \"host.example\";", "invalid IP (v4 or v6) address: Invalid argument")]
    public void CommInfoErrorsAreReportedAtTheValueAsPolypath(string line, string expected)
    {
        var text = Polypath + $"sites site {{ {GoodSite.Replace("comm udpc;", "comm pp;", StringComparison.Ordinal)}\ncomm-info {{\n{line}\n}};\n}};\n";
        Assert.Equal($"config error (polypath, t.conf:8): {expected}", Error(text));
    }

    [Theory]
    [InlineData("address \"x\";", "required parameter \"port\" not found")]
    [InlineData("static-peers-max 6;", "static-peers-max must be in range 1..5")]
    [InlineData("mobile true; mobile-peers-max 0;", "mobile-peers-max must be in range 1..5")]
    [InlineData("key-lifetime 1000; renegotiate-time 2000;", "renegotiate-time must be less than key-lifetime")]
    public void SiteRangeErrors(string extra, string expected)
    {
        Assert.Equal($"config error (site, t.conf:5): {expected}", Error($"sites site {{ {GoodSite} {extra} }};\n"));
    }

    [Fact]
    public void SelfEntryAndBothMobileAreDropped()
    {
        var (root, log) = Load("sites site { local-name \"me\"; name \"me\"; }, site { local-name \"me\"; name \"peer\"; mobile true; local-mobile true; };\n");
        Assert.True(root.Find("sites") is not { Value.Count: > 0 });
        Assert.True(log.Has("site peer: site is mobile but so are we -> ignoring this site"));
    }

    [Theory]
    [InlineData("c udp { address \"127.0.0.1\"; };", "config error (udp, t.conf:3): required parameter \"buffer\" not found")]
    [InlineData("c udp { buffer buf; address \"300.1.1.1\"; };", "config error (udp, t.conf:3): invalid IP (v4 or v6) address: Invalid argument")]
    [InlineData("c udp { buffer buf; address \"[::1]\"; };", "config error (udp, t.conf:3): invalid IP (v4 or v6) address: Invalid argument")]
    [InlineData("c udp { buffer buf; address \"1.2.3.4\", \"::1\", \"::2\", \"::3\"; };", "config error (udp, t.conf:3): `address' must be 1..3 addresses")]
    [InlineData("c udp { buffer buf; authbind 1; port \"x\"; };", "config error (udp, t.conf:3): \"authbind\" must be a string")]
    [InlineData("c udp(1);", "config error (udp, t.conf:3): first argument must be a dictionary")]
    [InlineData("c adns { config 1; };", "config error (adns, t.conf:3): \"config\" must be a string")]
    [InlineData("c adns(1);", "config error (adns, t.conf:3): first argument must be a dictionary")]
    public void UdpAndAdnsErrors(string text, string expected)
    {
        Assert.Equal(expected, Error(text + "\n"));
    }
}
