using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Log;
using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>
/// Every key of a <c>site</c> closure (config.md §4.13). Timing keys left null take the static or
/// mobile default (protocol.md §10.2); the Effective* properties apply those rules.
/// </summary>
public sealed record SiteOptions
{
    public const int StaticRenegotiateGap = 300000;
    public const int MobileRenegotiateGap = 43200000;

    public required ILog Log { get; init; }
    public SiteLogEvents LogEvents { get; init; }
    public required string LocalName { get; init; }
    public required string Name { get; init; }
    public bool Keepalive { get; init; }
    public bool Mobile { get; init; }
    public bool LocalMobile { get; init; }
    public required IRandomSource Random { get; init; }

    /// <summary>Old-style <c>local-key</c> (id 0000000000); used when <see cref="PrivateKeys"/> is null.</summary>
    public ISigningKey? LocalKey { get; init; }

    /// <summary>Old-style <c>key</c> (id 0000000000); used when <see cref="PeerKeys"/> is null.</summary>
    public IVerifyKey? PeerKey { get; init; }

    /// <summary><c>key-cache</c>: our keys by id.</summary>
    public IPrivateKeySource? PrivateKeys { get; init; }

    /// <summary><c>peer-keys</c>: the peer's key-set file.</summary>
    public IPeerKeySource? PeerKeys { get; init; }

    public IPrivateKeySource EffectivePrivateKeys =>
        PrivateKeys ?? new LegacyPrivateKey(LocalKey ?? throw new InvalidOperationException("site has no private key"));

    public IPeerKeySource EffectivePeerKeys =>
        PeerKeys ?? new FixedPeerKey(PeerKey ?? throw new InvalidOperationException("site has no peer key"));

    /// <summary>Configured peer addresses: DNS names or <c>[literal]</c>s; empty if none.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>Peer port; mandatory iff <see cref="Addresses"/> is non-empty.</summary>
    public int Port { get; init; }

    /// <summary>In preference order: the initiator takes the first the peer also offers.</summary>
    public required IReadOnlyList<ITransform> Transforms { get; init; }

    public required IDiffieHellman Dh { get; init; }

    public int? KeyLifetimeMs { get; init; }
    public int? SetupRetries { get; init; }
    public int? SetupTimeoutMs { get; init; }
    public int? WaitTimeMs { get; init; }
    public int? RenegotiateTimeMs { get; init; }

    /// <summary><c>mtu-target</c>; 0 means the netlink device's MTU (<see cref="LinkMtu"/>).</summary>
    public int MtuTarget { get; init; }

    /// <summary>The netlink device's <c>mtu</c>, used when <see cref="MtuTarget"/> is 0.</summary>
    public int LinkMtu { get; init; } = 1000;

    public int MobilePeerExpirySeconds { get; init; } = 120;

    /// <summary><c>mobile-peers-max</c> or <c>static-peers-max</c> (whichever applies).</summary>
    public int? PeersMax { get; init; }

    /// <summary>Use the mobile defaults (<c>mobile</c> or <c>local-mobile</c>).</summary>
    public bool MobileDefaults => Mobile || LocalMobile;

    public int EffectiveKeyLifetimeMs => KeyLifetimeMs ?? (MobileDefaults ? 172800000 : 3600000);
    public int EffectiveSetupRetries => SetupRetries ?? (MobileDefaults ? 30 : 5);
    public int EffectiveSetupTimeoutMs => SetupTimeoutMs ?? (MobileDefaults ? 1000 : 2000);
    public int EffectiveWaitTimeMs => WaitTimeMs ?? (MobileDefaults ? 10000 : 20000);
    public int EffectivePeersMax => PeersMax ?? (Addresses.Count > 0 ? 4 : 3);
    public int EffectiveMtuTarget => MtuTarget != 0 ? MtuTarget : LinkMtu;

    public int EffectiveRenegotiateTimeMs
    {
        get
        {
            if (RenegotiateTimeMs is int r) return r;
            int life = EffectiveKeyLifetimeMs;
            int gap = MobileDefaults ? MobileRenegotiateGap : StaticRenegotiateGap;
            return life < 2 * (long)gap ? life / 2 : life - gap;
        }
    }

    /// <summary>Name of the peers-max key that applies, for messages.</summary>
    public string PeersMaxKey => Mobile ? "mobile-peers-max" : "static-peers-max";

    /// <summary>The cross-key checks of config.md §4.13; null if fine, else the error text.</summary>
    public string? Validate()
    {
        if (EffectivePeersMax is < 1 or > 5) return $"{PeersMaxKey} must be in range 1..5";
        if (EffectiveRenegotiateTimeMs > EffectiveKeyLifetimeMs) return "renegotiate-time must be less than key-lifetime";
        if (Transforms.Count == 0) return "closure list \"transform\" not found";
        return null;
    }

    /// <summary>Our capability word (protocol.md §9): transform bits, plus bit 31 when mobile.</summary>
    public uint Capabilities
    {
        get
        {
            uint caps = 0;
            foreach (var t in Transforms) caps |= 1u << t.CapabilityBit;
            if (MobileDefaults) caps |= Site.MobilePriorityCapability;
            return caps;
        }
    }
}
