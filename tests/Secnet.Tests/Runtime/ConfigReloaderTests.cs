using Secnet.Netlink;
using Secnet.Runtime;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Runtime;

/// <summary>
/// <c>reload</c> on real sites: three secnets in this process (alpha, bravo, charlie) on
/// 127.0.0.1 with real sockets, keys and crypto; bravo's configuration is rewritten and
/// reloaded while alpha sends to it.
/// </summary>
[Collection("Reload")]
public sealed class ConfigReloaderTests : IDisposable
{
    private sealed record Node(string Name, int Port, string Key, string Local, string Secnet, string Routes);

    private readonly string _dir = Directory.CreateTempSubdirectory("secnet-reload-").FullName;
    private readonly Node _alpha, _bravo, _charlie;
    private readonly List<ReloadDaemon> _daemons = new();

    public ConfigReloaderTests()
    {
        string alphaKey = RepoPaths.Vector("kex-example", "alpha.key");
        string bravoKey = RepoPaths.Vector("kex-example", "bravo.key");
        _alpha = new("alpha", ReloadDaemon.FreePort(), alphaKey, "172.18.240.1", "172.18.240.2", "172.18.240.0/29");
        _bravo = new("bravo", ReloadDaemon.FreePort(), bravoKey, "172.18.240.9", "172.18.240.10", "172.18.240.8/29");
        // charlie signs with alpha's key: distinct keys add nothing to what reload does.
        _charlie = new("charlie", ReloadDaemon.FreePort(), alphaKey, "172.18.240.17", "172.18.240.18", "172.18.240.16/29");
    }

    public void Dispose()
    {
        foreach (var d in _daemons) d.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string PublicKey(Node n)
    {
        var fields = File.ReadAllText(n.Key + ".pub").Split(' ');
        return $"rsa-public(\"{fields[1]}\",\"{fields[2]}\")";
    }

    private static string SiteText(Node peer, string extra = "") =>
        $"site {{ name \"{peer.Name}\"; link netlink {{ routes \"{peer.Routes}\"; }}; address \"[127.0.0.1]\"; port {peer.Port}; key {PublicKey(peer)}; {extra} }}";

    private static string Config(Node me, IEnumerable<string> sites, string? networks = null, int? port = null) => $$"""
        log testlog;
        system { };
        resolver adns { };
        log-events "all";
        random randomfile("/dev/urandom", no);
        hash sha1;
        dh diffie-hellman("{{Tests.Crypto.DhTests.Oakley1024}}", "2");
        transform eax-serpent { };
        netlink null-netlink { name "nl"; local-address "{{me.Local}}"; secnet-address "{{me.Secnet}}"; remote-networks "172.18.240.0/24"; mtu 1400; networks "{{networks ?? me.Routes}}"; };
        comm udp { address "127.0.0.1"; port {{port ?? me.Port}}; buffer sysbuffer(4096); };
        local-name "{{me.Name}}";
        local-key rsa-private("{{me.Key}}");
        sites {{string.Join(", ", sites)}};

        """;

    private string Write(Node me, string text)
    {
        var path = Path.Combine(_dir, me.Name + ".conf");
        File.WriteAllText(path, text);
        return path;
    }

    private ReloadDaemon Start(Node me, params string[] sites)
    {
        var d = new ReloadDaemon(Write(me, Config(me, sites)));
        _daemons.Add(d);
        return d;
    }

    /// <summary>Sends from <paramref name="from"/>'s host to <paramref name="to"/>'s until both
    /// ends hold a current key (the first packets start the exchange and are dropped), then
    /// until a packet arrives through the tunnel.</summary>
    private static void KeyUp(ReloadDaemon from, Node fromNode, ReloadDaemon to, Node toNode)
    {
        Assert.True(ReloadDaemon.WaitFor(() =>
        {
            from.FromHost(fromNode.Local, toNode.Local);
            return from.Site(toNode.Name)?.Keys.Current is not null && to.Site(fromNode.Name)?.Keys.Current is not null;
        }), $"{fromNode.Name} -> {toNode.Name} never keyed up");
        long before = to.Device.Counters.HostCount;
        from.FromHost(fromNode.Local, toNode.Local);
        Assert.True(ReloadDaemon.WaitFor(() => to.Device.Counters.HostCount > before), $"{fromNode.Name} -> {toNode.Name} carries nothing");
    }

    private static string Tail(ReloadDaemon d)
    {
        lock (d.Log.Lines) return string.Join("\n", d.Log.Lines.TakeLast(25));
    }

    [Fact]
    public void AddingASiteStartsItWhileTheExistingTunnelKeepsItsKeyAndLosesNothing()
    {
        var alpha = Start(_alpha, SiteText(_bravo));
        var bravo = Start(_bravo, SiteText(_alpha));
        var charlie = Start(_charlie, SiteText(_bravo));
        KeyUp(alpha, _alpha, bravo, _bravo);
        var bravoAlpha = bravo.Site("alpha")!;
        var keyAtBravo = bravoAlpha.Keys.Current;
        var keyAtAlpha = alpha.Site("bravo")!.Keys.Current;
        Assert.NotNull(keyAtBravo);

        // A steady stream alpha -> bravo across the reload, every packet counted at bravo's host
        // (counted from when the packets of the key-up have all arrived).
        long hostBefore;
        do
        {
            hostBefore = bravo.Device.Counters.HostCount;
            Thread.Sleep(200);
        }
        while (bravo.Device.Counters.HostCount != hostBefore);
        int sent = 0;
        bool stop = false;
        var pinger = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                alpha.FromHost(_alpha.Local, _bravo.Local, (ushort)sent);
                sent++;
                Thread.Sleep(2);
            }
        });
        pinger.Start();
        Thread.Sleep(200);
        Write(_bravo, Config(_bravo, [SiteText(_alpha), SiteText(_charlie)]));
        var outcome = bravo.Reload();
        Thread.Sleep(200);
        Volatile.Write(ref stop, true);
        pinger.Join();

        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Equal(["site charlie: added by reload; started", "reload: 1 added, 0 removed, 0 changed, 1 unchanged"], outcome.Lines);
        Assert.True(ReloadDaemon.WaitFor(() => bravo.Device.Counters.HostCount - hostBefore == sent),
            $"sent {sent}, bravo's host got {bravo.Device.Counters.HostCount - hostBefore}");
        Assert.True(sent > 100, $"only {sent} packets sent");
        Assert.Same(bravoAlpha, bravo.Site("alpha"));
        Assert.Same(keyAtBravo, bravoAlpha.Keys.Current);
        Assert.Same(keyAtAlpha, alpha.Site("bravo")!.Keys.Current);

        // The added site keys up with charlie and carries traffic both ways.
        KeyUp(charlie, _charlie, bravo, _bravo);
        KeyUp(bravo, _bravo, charlie, _charlie);
        Assert.NotNull(bravo.Site("charlie")!.Keys.Current);
        Assert.True(bravo.Log.Has("Notice: site charlie: added by reload; started"));
        // Reading the file again logs nothing new for the unchanged site, as start-up did for
        // the added one: 0.6.7's configuration-time line about its old-style key, once each.
        Assert.Equal(1, bravo.Log.Count("Info: bravo<->alpha: using old-style fixed peer public key (no `peer-keys')"));
        Assert.Equal(1, bravo.Log.Count("Info: bravo<->charlie: using old-style fixed peer public key (no `peer-keys')"));
    }

    [Fact]
    public void RemovingASiteClosesItWithMsg7AndTakesItsRoutesOut()
    {
        var alpha = Start(_alpha, SiteText(_bravo));
        var bravo = Start(_bravo, SiteText(_alpha), SiteText(_charlie));
        var charlie = Start(_charlie, SiteText(_bravo));
        KeyUp(alpha, _alpha, bravo, _bravo);
        KeyUp(charlie, _charlie, bravo, _bravo);
        var bravoCharlie = bravo.Site("charlie")!;
        var charlieKey = bravoCharlie.Keys.Current;

        Write(_bravo, Config(_bravo, [SiteText(_charlie)]));
        var outcome = bravo.Reload();

        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Equal(["site alpha: removed by reload; session closed", "reload: 0 added, 1 removed, 0 changed, 1 unchanged"], outcome.Lines);
        Assert.Null(bravo.Site("alpha"));
        Assert.True(ReloadDaemon.WaitFor(() => alpha.Log.Has("alpha<->bravo: session closed (request from peer)")),
            "alpha never got bravo's MSG7:\n" + Tail(alpha) + "\n--- bravo:\n" + Tail(bravo));
        Assert.DoesNotContain(bravo.Device.RoutingTable, c => c.Name == "alpha");
        Assert.Same(charlieKey, bravoCharlie.Keys.Current);

        // Traffic from bravo's host to alpha's network now has no route (bravo's host networks
        // are its own).
        long noRoute = bravo.Device.Counters[NetlinkDrop.NoRoute];
        bravo.FromHost(_bravo.Local, _alpha.Local);
        Assert.Equal(noRoute + 1, bravo.Device.Counters[NetlinkDrop.NoRoute]);
        // Adding it back makes a new site that keys up afresh with alpha.
        Write(_bravo, Config(_bravo, [SiteText(_charlie), SiteText(_alpha)]));
        Assert.True(bravo.Reload().Applied);
        KeyUp(bravo, _bravo, alpha, _alpha);
    }

    [Fact]
    public void ABrokenConfigurationIsRefusedWithItsErrorAndChangesNothing()
    {
        var alpha = Start(_alpha, SiteText(_bravo));
        var bravo = Start(_bravo, SiteText(_alpha));
        KeyUp(alpha, _alpha, bravo, _bravo);
        var site = bravo.Site("alpha")!;
        var key = site.Keys.Current;

        var path = Write(_bravo, Config(_bravo, [SiteText(_alpha), "site { name \"charlie\"; link netlink { routes \"172.18.240.16/29\"; }; }"]));
        var outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        var line = Assert.Single(outcome.Lines);
        Assert.StartsWith($"config error (site, {path}:", line, StringComparison.Ordinal);
        // No key: the site then needs peer-keys, and the error names it.
        Assert.EndsWith("required parameter \"peer-keys\" not found", line, StringComparison.Ordinal);
        Assert.True(bravo.Log.Has("Error: reload: configuration refused: config error (site, "));

        File.WriteAllText(path, "system { ;");
        outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        Assert.Contains(outcome.Lines, l => l.Contains(path, StringComparison.Ordinal));

        File.Delete(path);
        outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        Assert.Contains("No such file or directory", Assert.Single(outcome.Lines), StringComparison.Ordinal);

        Assert.Same(site, bravo.Site("alpha"));
        Assert.Same(key, site.Keys.Current);
        KeyUp(alpha, _alpha, bravo, _bravo);
    }

    [Fact]
    public void WhatNeedsARestartIsRefusedWithAReason()
    {
        var bravo = Start(_bravo, SiteText(_alpha));
        var site = bravo.Site("alpha");

        Write(_bravo, Config(_bravo, [SiteText(_alpha)], port: ReloadDaemon.FreePort()));
        var outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        Assert.Contains("site alpha: comm (udp addresses=127.0.0.1 port=", Assert.Single(outcome.Lines), StringComparison.Ordinal);
        Assert.Contains("needs a restart", outcome.Lines[0], StringComparison.Ordinal);

        Write(_bravo, Config(_bravo, [SiteText(_alpha)], networks: "172.18.240.8/30"));
        outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        Assert.Equal(["netlink nl: changing a netlink device's settings needs a restart"], outcome.Lines);

        Assert.Same(site, bravo.Site("alpha"));
    }

    [Fact]
    public void AChangedSiteIsClosedAndStartedAgainWithItsNewParameters()
    {
        var alpha = Start(_alpha, SiteText(_bravo));
        var bravo = Start(_bravo, SiteText(_alpha));
        KeyUp(alpha, _alpha, bravo, _bravo);
        var old = bravo.Site("alpha")!;

        Write(_bravo, Config(_bravo, [SiteText(_alpha, "mtu-target 1200;")]));
        var outcome = bravo.Reload();
        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Equal(["site alpha: changed by reload; old session closed, started again with the new parameters",
            "reload: 0 added, 0 removed, 1 changed, 0 unchanged"], outcome.Lines);
        var replaced = bravo.Site("alpha")!;
        Assert.NotSame(old, replaced);
        Assert.Equal(1200, replaced.Options.MtuTarget);
        Assert.Null(old.Keys.Current);
        Assert.True(ReloadDaemon.WaitFor(() => alpha.Log.Has("alpha<->bravo: session closed (request from peer)")));
        KeyUp(alpha, _alpha, bravo, _bravo);
        Assert.NotNull(replaced.Keys.Current);
        // Unchanged text reloads as nothing to do.
        Assert.Equal(["reload: 0 added, 0 removed, 0 changed, 1 unchanged"], bravo.Reload().Lines);
        Assert.Same(replaced, bravo.Site("alpha"));
    }

    /// <summary>Each evaluation opens randomfile's file (as 0.6.7 does at config time); the
    /// running sites keep theirs, so the new one is closed at once, also when the configuration
    /// is refused part way through.</summary>
    [Fact]
    public void EachReloadClosesTheRandomFileItOpened()
    {
        var bravo = Start(_bravo, SiteText(_alpha));
        var random = bravo.Site("alpha")!.Options.Random;
        for (int i = 0; i < 8; i++) Assert.True(bravo.Reload().Applied);
        Assert.Equal(8, bravo.OnLoop(() => bravo.Reloader.RandomSourcesClosed));
        Write(_bravo, Config(_bravo, [SiteText(_alpha)]) + "broken {");
        Assert.False(bravo.Reload().Applied);
        Write(_bravo, Config(_bravo, [SiteText(_alpha)]) + "broken { x nosuchkey; };");
        Assert.False(bravo.Reload().Applied);
        Assert.Equal(9, bravo.OnLoop(() => bravo.Reloader.RandomSourcesClosed));
        // The running site's source is not among them: it still reads.
        Assert.Same(random, bravo.Site("alpha")!.Options.Random);
        random.Fill(new byte[16]);
    }

    /// <summary>Signatures hold what was configured, not where: lines moved by comments, keys
    /// reordered, the same closures written again are no change.</summary>
    [Fact]
    public void MovedOrRewrittenTextIsNoChange()
    {
        var bravo = Start(_bravo, SiteText(_alpha));
        var site = bravo.Site("alpha");
        var text = Config(_bravo, [SiteText(_alpha, "key-lifetime 3600000;")]);
        Write(_bravo, "# a comment\n\n\n" + text.Replace("hash sha1;\n", "").Replace("log testlog;\n", "log testlog;\nhash sha1;\n"));
        var outcome = bravo.Reload();
        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        // key-lifetime given as its default is a parameter that was not there before: changed.
        Assert.Equal("reload: 0 added, 0 removed, 1 changed, 0 unchanged", outcome.Lines[^1]);
        site = bravo.Site("alpha");
        Write(_bravo, "\n\n# moved again\n" + text);
        Assert.Equal(["reload: 0 added, 0 removed, 0 changed, 1 unchanged"], bravo.Reload().Lines);
        Assert.Same(site, bravo.Site("alpha"));
    }

    [Theory]
    [InlineData("transform eax-serpent { };", "transform serpent256-cbc { };")]
    [InlineData("transform eax-serpent { };", "transform eax-serpent { tag-length-bytes 12; };")]
    [InlineData("hash sha1;", "hash md5;")]
    [InlineData("log-events \"all\";", "log-events \"default\";")]
    public void AChangedSharedParameterChangesTheSitesUsingIt(string from, string to)
    {
        var bravo = Start(_bravo, SiteText(_alpha));
        var site = bravo.Site("alpha");
        var text = Config(_bravo, [SiteText(_alpha)]);
        Assert.Contains(from, text, StringComparison.Ordinal);
        Write(_bravo, text.Replace(from, to, StringComparison.Ordinal));
        var outcome = bravo.Reload();
        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Equal("reload: 0 added, 0 removed, 1 changed, 0 unchanged", outcome.Lines[^1]);
        Assert.NotSame(site, bravo.Site("alpha"));
    }
}
