namespace Secnet.Keys;

/// <summary>Where a site's accepted peer keys come from: fixed (<c>key</c>) or a key-set file
/// (<c>peer-keys</c>). Called on the site's owner thread only.</summary>
public interface IPeerKeySource
{
    /// <summary>Before a key exchange: installs a pending update if there is one, then returns
    /// the set the exchange uses from start to end. <paramref name="siteLog"/> takes the lines
    /// 0.6.7 writes with the site's prefix (info).</summary>
    PeerKeySet Refresh(Action<string> siteLog);
}

/// <summary>The old-style <c>key</c>: one key, id 0000000000, never changes.</summary>
public sealed class FixedPeerKey(Crypto.IVerifyKey key) : IPeerKeySource
{
    private readonly PeerKeySet _set = PeerKeySet.Fixed(key);

    public PeerKeySet Refresh(Action<string> siteLog) => _set;
}
