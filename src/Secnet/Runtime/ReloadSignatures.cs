using System.Text;
using Secnet.Comm;
using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Sites;
using Secnet.Transforms;

namespace Secnet.Runtime;

/// <summary>
/// What a reload compares. Two evaluations of one configuration make different objects, so a
/// site is compared through a text of every parameter that reaches its protocol or its data
/// path, each closure value written out by what it was configured with (not by its identity).
/// The same texts match the new configuration's logs, comms and random sources to the running
/// ones, which a site added by a reload must use.
/// </summary>
internal static class ReloadSignatures
{
    /// <summary>Everything of <paramref name="site"/> whose change makes it a different tunnel;
    /// <paramref name="systemLog"/> is its configuration's system/log closure value.</summary>
    public static string Site(ConfiguredSite site, ILog systemLog)
    {
        var o = site.Options;
        var b = new StringBuilder();
        b.Append("local-name=").Append(o.LocalName).Append(" name=").Append(o.Name)
            .Append(" log=").Append(ReferenceEquals(o.Log, systemLog) ? "system" : Log(o.Log))
            .Append(" log-events=").Append((uint)o.LogEvents)
            .Append(" keepalive=").Append(o.Keepalive).Append(" mobile=").Append(o.Mobile).Append(" local-mobile=").Append(o.LocalMobile)
            .Append(" random=").Append(Random(o.Random))
            .Append(" local-key=").Append(o.LocalKey is null ? "-" : SigningKey(o.LocalKey))
            .Append(" key-cache=").Append(o.PrivateKeys is null ? "-" : PrivateKeys(o.PrivateKeys))
            .Append(" key=").Append(o.PeerKey is null ? "-" : VerifyKey(o.PeerKey))
            .Append(" peer-keys=").Append(o.PeerKeys is null ? "-" : PeerKeys(o.PeerKeys))
            .Append(" address=").Append(string.Join(",", o.Addresses)).Append(" port=").Append(o.Port)
            .Append(" dh=").Append(Dh(o.Dh))
            .Append(" key-lifetime=").Append(o.KeyLifetimeMs).Append(" setup-retries=").Append(o.SetupRetries)
            .Append(" setup-timeout=").Append(o.SetupTimeoutMs).Append(" wait-time=").Append(o.WaitTimeMs)
            .Append(" renegotiate-time=").Append(o.RenegotiateTimeMs).Append(" mtu-target=").Append(o.MtuTarget)
            .Append(" link-mtu=").Append(o.LinkMtu).Append(" mobile-peer-expiry=").Append(o.MobilePeerExpirySeconds)
            .Append(" peers-max=").Append(o.PeersMax)
            .Append(" link=").Append(Link(site.Link));
        b.Append(" transform=");
        foreach (var t in o.Transforms) b.Append(Transform(t)).Append(';');
        b.Append(" comm=");
        foreach (var c in site.Comms) b.Append(Comm(c)).Append(';');
        return b.ToString();
    }

    public static string Link(INetlinkClient link) => link is NetlinkClient c
        ? $"{c.Device.Name}/{c.Name} routes={c.Routes.ToDisplayString()} options={(int)c.Options.Flags} priority={c.Priority} mtu={c.Options.Mtu}"
        : $"{link.GetType().Name}";

    public static string Comm(IComm comm) => comm switch
    {
        UdpComm u => $"udp addresses={Join(u.Options.Addresses)} port={u.Options.Port} authbind={u.Options.Authbind} buffer={u.Options.BufferSize}",
        PolypathSiteComm s => $"{Comm(s.Shared)} dedicated={s.DedicatedAddress}",
        PolypathComm p => $"polypath port={p.Options.Port} authbind={p.Options.Authbind} max-interfaces={p.Options.MaxInterfaces} "
            + $"interfaces={Join(p.Options.Interfaces)} monitor={Join(p.Options.MonitorCommand)} permit-loopback={p.Options.PermitLoopback}",
        _ => comm.GetType().Name,
    };

    public static string Log(ILog log) => log switch
    {
        LogFile f => $"logfile {f.Filename} classes={(int)f.Classes} prefix={f.Prefix}",
        SyslogLog s => $"syslog {s.Ident} facility={s.Facility}",
        LogSet set => $"[{string.Join(",", set.Members.Select(Log))}]",
        _ => log.GetType().Name,
    };

    public static string Random(IRandomSource random) => random switch
    {
        RandomFileSource f => $"randomfile {f.Path} blocking={f.Blocking}",
        _ => random.GetType().Name,
    };

    private static string SigningKey(ISigningKey key) => key switch
    {
        RsaPrivateKey k => $"rsa-private n={k.Modulus} hash={k.Hash.Name}",
        _ => key.GetType().Name,
    };

    private static string VerifyKey(IVerifyKey key) => key switch
    {
        RsaPublicKey k => $"rsa-public e={k.Exponent} n={k.Modulus} hash={k.Hash.Name}",
        _ => key.GetType().Name,
    };

    private static string PrivateKeys(IPrivateKeySource source) => source switch
    {
        RsaPrivateKeyCache c => $"priv-cache {c.Prefix} capacity={c.Capacity} max-file={c.MaxFileBytes}",
        LegacyPrivateKey => "legacy",
        _ => source.GetType().Name,
    };

    private static string PeerKeys(IPeerKeySource source) => source switch
    {
        PeerKeyFiles f => $"peer-keys {f.Path}",
        _ => source.GetType().Name,
    };

    private static string Dh(IDiffieHellman dh) => dh switch
    {
        DiffieHellmanGroup g => $"diffie-hellman p={g.Modulus} g={g.Generator}",
        _ => dh.GetType().Name,
    };

    private static string Transform(ITransform t) => t switch
    {
        EaxSerpentTransform e => e.Options.ToString(),
        Serpent256CbcTransform c => c.Options.ToString(),
        _ => t.Name,
    };

    private static string Join<T>(IReadOnlyList<T>? list) => list is null ? "-" : string.Join(",", list);
}

/// <summary>How a reload's sites relate to the running ones, by name (pure, for tests).</summary>
internal sealed record SiteDiff(IReadOnlyList<string> Added, IReadOnlyList<string> Removed,
    IReadOnlyList<string> Changed, IReadOnlyList<string> Unchanged)
{
    /// <summary>Sites are matched by name; a site whose signature differs is changed. Order
    /// follows the new configuration (added, changed, unchanged) and the running one (removed).</summary>
    public static SiteDiff Compute(IReadOnlyList<(string Name, string Signature)> running,
        IReadOnlyList<(string Name, string Signature)> proposed)
    {
        var old = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, signature) in running) old.TryAdd(name, signature);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        List<string> added = [], changed = [], unchanged = [], removed = [];
        foreach (var (name, signature) in proposed)
        {
            seen.Add(name);
            if (!old.TryGetValue(name, out var was)) added.Add(name);
            else if (string.Equals(was, signature, StringComparison.Ordinal)) unchanged.Add(name);
            else changed.Add(name);
        }
        foreach (var (name, _) in running)
            if (!seen.Contains(name)) removed.Add(name);
        return new SiteDiff(added, removed, changed, unchanged);
    }
}
