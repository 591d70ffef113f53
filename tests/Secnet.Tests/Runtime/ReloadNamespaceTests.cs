using System.Diagnostics;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Runtime;

/// <summary>
/// The acceptance of <c>reload</c> in network namespaces, with the reload driven in-process (the
/// control socket is another helper's): alpha and bravo in namespaces of their own joined by a
/// veth, each with a real tun; charlie (null-netlink) beside alpha. A ping from alpha's host to
/// bravo's runs while bravo's configuration gains charlie, is refused when broken, and loses
/// charlie again: no ping may be lost, bravo's tunnel with alpha keeps its key, charlie keys up
/// and gets MSG7 when removed.
/// </summary>
[Collection("Reload")]
public sealed class ReloadNamespaceTests : IDisposable
{
    private const string DhP = Tests.Crypto.DhTests.Oakley1024;
    private readonly string _dir = Directory.CreateTempSubdirectory("secnet-reload-ns-").FullName;
    private readonly string _prefix = $"rl{Environment.ProcessId % 1000}";
    private readonly NetNs _a = NetNs.Create("reload-a");
    private readonly NetNs _b = NetNs.Create("reload-b");
    private readonly List<ReloadDaemon> _daemons = new();
    private readonly string _alphaKey = RepoPaths.Vector("kex-example", "alpha.key");
    private readonly string _bravoKey = RepoPaths.Vector("kex-example", "bravo.key");

    public ReloadNamespaceTests()
    {
        _a.ExecChecked("ip", "link", "add", _prefix + "a0", "type", "veth", "peer", "name", _prefix + "b0", "netns", _b.Name);
        _a.ExecChecked("ip", "addr", "add", "198.51.100.1/24", "dev", _prefix + "a0");
        _b.ExecChecked("ip", "addr", "add", "198.51.100.2/24", "dev", _prefix + "b0");
        _a.ExecChecked("ip", "link", "set", _prefix + "a0", "up");
        _b.ExecChecked("ip", "link", "set", _prefix + "b0", "up");
    }

    public void Dispose()
    {
        foreach (var d in _daemons) d.Dispose();
        _a.Dispose();
        _b.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static string Public(string key)
    {
        var f = File.ReadAllText(key + ".pub").Split(' ');
        return $"rsa-public(\"{f[1]}\",\"{f[2]}\")";
    }

    private static string Site(string name, string routes, string address, int port, string key) =>
        $"site {{ name \"{name}\"; link netlink {{ routes \"{routes}\"; }}; address \"[{address}]\"; port {port}; key {Public(key)}; }}";

    private string Config(string me, string key, string netlink, string address, int port, params string[] sites) => $$"""
        log testlog;
        system { };
        resolver adns { };
        log-events "all";
        random randomfile("/dev/urandom", no);
        hash sha1;
        dh diffie-hellman("{{DhP}}", "2");
        transform eax-serpent { };
        netlink {{netlink}};
        comm udp { address "{{address}}"; port {{port}}; buffer sysbuffer(65536); };
        local-name "{{me}}";
        local-key rsa-private("{{key}}");
        sites {{string.Join(", ", sites)}};

        """;

    private string Tun(string side, string local, string secnet) =>
        $"tun {{ name \"netlink-tun\"; local-address \"{local}\"; secnet-address \"{secnet}\"; remote-networks \"192.0.2.0/24\"; mtu 1400; buffer sysbuffer(65536); interface \"{_prefix}-{side}\"; }}";

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name + ".conf");
        File.WriteAllText(path, text);
        return path;
    }

    private ReloadDaemon StartIn(NetNs ns, string path)
    {
        var d = ns.Run(() => new ReloadDaemon(path));
        _daemons.Add(d);
        return d;
    }

    private string AlphaSite => Site("alpha", "192.0.2.0/26", "198.51.100.1", 16900, _alphaKey);
    private string CharlieSite => Site("charlie", "192.0.2.128/26", "198.51.100.1", 16901, _alphaKey);

    private string BravoConfig(params string[] sites) =>
        Config("bravo", _bravoKey, Tun("b", "192.0.2.65", "192.0.2.66"), "198.51.100.2", 16900, sites);

    [Fact]
    public void ReloadAddsRefusesAndRemovesASiteWhileAPingAcrossTheTunnelLosesNothing()
    {
        var alpha = StartIn(_a, Write("alpha", Config("alpha", _alphaKey, Tun("a", "192.0.2.1", "192.0.2.2"), "198.51.100.1", 16900,
            Site("bravo", "192.0.2.64/26", "198.51.100.2", 16900, _bravoKey))));
        var bravoPath = Write("bravo", BravoConfig(AlphaSite));
        var bravo = StartIn(_b, bravoPath);
        // charlie signs with alpha's key; its null-netlink only needs to carry packets we inject.
        var charlie = StartIn(_a, Write("charlie", Config("charlie", _alphaKey,
            "null-netlink { name \"nl\"; local-address \"192.0.2.129\"; secnet-address \"192.0.2.130\"; remote-networks \"192.0.2.0/24\"; networks \"192.0.2.128/26\"; mtu 1400; }",
            "198.51.100.1", 16901, Site("bravo", "192.0.2.64/26", "198.51.100.2", 16900, _bravoKey))));

        Assert.True(ReloadDaemon.WaitFor(() => _a.Exec("ping", "-c", "1", "-W", "1", "192.0.2.65").ExitCode == 0, 30),
            "alpha <-> bravo never came up");
        var alphaAtBravo = bravo.Site("alpha")!;
        var key = alphaAtBravo.Keys.Current;
        Assert.NotNull(key);

        var ping = _a.StartProcess("ping", "-i", "0.05", "-c", "120", "-W", "2", "192.0.2.65");
        Thread.Sleep(500);

        // 1. charlie added: it keys up with bravo (traffic from charlie's side starts the exchange).
        Write("bravo", BravoConfig(AlphaSite, CharlieSite));
        var outcome = bravo.Reload();
        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Contains("site charlie: added by reload; started", outcome.Lines);
        Assert.True(ReloadDaemon.WaitFor(() =>
        {
            charlie.FromHost("192.0.2.129", "192.0.2.65");
            return bravo.Site("charlie")?.Keys.Current is not null;
        }), "charlie never keyed up with bravo");
        Assert.Contains("192.0.2.128/26", _b.ExecChecked("ip", "route"));

        // 2. Broken: refused with file:line, nothing changes.
        File.AppendAllText(bravoPath, "sites site { name \"dave\"; };\n");
        outcome = bravo.Reload();
        Assert.False(outcome.Applied);
        Assert.Contains($"{bravoPath}:", Assert.Single(outcome.Lines), StringComparison.Ordinal);
        Assert.NotNull(bravo.Site("charlie"));

        // 3. charlie removed: MSG7 reaches it, its kernel route goes.
        Write("bravo", BravoConfig(AlphaSite));
        outcome = bravo.Reload();
        Assert.True(outcome.Applied, string.Join("\n", outcome.Lines));
        Assert.Contains("site charlie: removed by reload; session closed", outcome.Lines);
        Assert.True(ReloadDaemon.WaitFor(() => charlie.Log.Has("charlie<->bravo: session closed (request from peer)")),
            "charlie never got bravo's MSG7");
        Assert.DoesNotContain("192.0.2.128/26", _b.ExecChecked("ip", "route"));

        Assert.True(ping.WaitForExit(30_000), "ping did not finish");
        string summary = ping.StandardOutput.ReadToEnd();
        Assert.Contains("120 packets transmitted, 120 received, 0% packet loss", summary);
        Assert.Same(alphaAtBravo, bravo.Site("alpha"));
        Assert.Same(key, alphaAtBravo.Keys.Current);
    }
}
