using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>One session key: the keyed transform and the peer index it was negotiated with.</summary>
public sealed class SessionKey(ITransformInstance transform, uint remoteIndex, long expiresAtMs)
{
    public ITransformInstance Transform { get; } = transform;
    public uint RemoteIndex { get; } = remoteIndex;
    public long ExpiresAtMs { get; } = expiresAtMs;
}

/// <summary>
/// The immutable snapshot the data path reads without locks (ARCHITECTURE.md "Threads and
/// ownership"). The owner thread replaces the whole object whenever a key or the data addresses change.
/// </summary>
public sealed class SiteKeys
{
    public static readonly SiteKeys Empty = new(null, null, false, null, [], long.MaxValue, 0);

    public SiteKeys(SessionKey? current, SessionKey? aux, bool auxIsNew, SessionKey? pending,
        PeerAddress[] dataAddresses, long renegotiateAtMs, int mtu)
    {
        Current = current;
        Aux = aux;
        AuxIsNew = auxIsNew;
        Pending = pending;
        DataAddresses = dataAddresses;
        RenegotiateAtMs = renegotiateAtMs;
        Mtu = mtu;
    }

    /// <summary>The key we send with.</summary>
    public SessionKey? Current { get; }

    /// <summary>The previous key (grace period) or, if <see cref="AuxIsNew"/>, a stashed new key.</summary>
    public SessionKey? Aux { get; }

    public bool AuxIsNew { get; }

    /// <summary>The key derived in SENTMSG5, not yet active: a MSG0 that opens with it activates it.</summary>
    public SessionKey? Pending { get; }

    public PeerAddress[] DataAddresses { get; }
    public long RenegotiateAtMs { get; }
    public int Mtu { get; }

    public SiteKeys With(SessionKey? current = null, SessionKey? aux = null, bool? auxIsNew = null,
        SessionKey? pending = null, PeerAddress[]? dataAddresses = null, long? renegotiateAtMs = null, int? mtu = null,
        bool clearCurrent = false, bool clearAux = false, bool clearPending = false) =>
        new(clearCurrent ? null : current ?? Current,
            clearAux ? null : aux ?? Aux,
            auxIsNew ?? AuxIsNew,
            clearPending ? null : pending ?? Pending,
            dataAddresses ?? DataAddresses,
            renegotiateAtMs ?? RenegotiateAtMs,
            mtu ?? Mtu);
}
