using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>
/// A keyed transform and who still holds it. Data-path threads seal and open with a key they read
/// from a <see cref="SiteKeys"/> snapshot, possibly just as the owner thread replaces it, so the
/// key is erased (<see cref="ITransformInstance.Dispose"/>) when the last holder lets go, never
/// on a timer: the owner thread holds it from the key exchange that made it until it is put in a
/// snapshot or given up (<see cref="Site"/>'s new key), and every snapshot that names it holds it.
/// </summary>
public sealed class KeyMaterial(ITransformInstance transform)
{
    private int _holders = 1;

    public ITransformInstance Transform { get; } = transform;

    /// <summary>True once erased (tests).</summary>
    public bool Erased => Volatile.Read(ref _holders) == 0;

    internal void Hold()
    {
        if (Interlocked.Increment(ref _holders) <= 1)
            throw new InvalidOperationException("a key was held again after it was erased");
    }

    internal void Release()
    {
        int left = Interlocked.Decrement(ref _holders);
        if (left == 0) Transform.Dispose();
        else if (left < 0) throw new InvalidOperationException("a key was released more often than held");
    }
}

/// <summary>One session key: the keyed transform and the peer index it was negotiated with. Two
/// session keys may share their <see cref="Material"/> (a pending key activated keeps its transform).</summary>
public sealed class SessionKey(KeyMaterial material, uint remoteIndex, long expiresAtMs)
{
    public KeyMaterial Material { get; } = material;
    public ITransformInstance Transform => Material.Transform;
    public uint RemoteIndex { get; } = remoteIndex;
    public long ExpiresAtMs { get; } = expiresAtMs;
}

/// <summary>
/// The immutable snapshot the data path reads without locks (ARCHITECTURE.md "Threads and
/// ownership"). The owner thread replaces the whole object whenever a key or the data addresses
/// change. A snapshot holds its keys; the owner holds the published snapshot and a data-path thread
/// the one it works with (<see cref="TryEnter"/>/<see cref="Exit"/>), so the keys of a replaced
/// snapshot are erased when the last thread using it is done.
/// </summary>
public sealed class SiteKeys
{
    /// <summary>Never released: its count starts where no exit can bring it to zero.</summary>
    public static readonly SiteKeys Empty = new(null, null, false, null, [], long.MaxValue, 0, users: int.MaxValue / 2);

    private int _users;

    public SiteKeys(SessionKey? current, SessionKey? aux, bool auxIsNew, SessionKey? pending,
        PeerAddress[] dataAddresses, long renegotiateAtMs, int mtu)
        : this(current, aux, auxIsNew, pending, dataAddresses, renegotiateAtMs, mtu, users: 1)
    {
    }

    private SiteKeys(SessionKey? current, SessionKey? aux, bool auxIsNew, SessionKey? pending,
        PeerAddress[] dataAddresses, long renegotiateAtMs, int mtu, int users)
    {
        Current = current;
        Aux = aux;
        AuxIsNew = auxIsNew;
        Pending = pending;
        DataAddresses = dataAddresses;
        RenegotiateAtMs = renegotiateAtMs;
        Mtu = mtu;
        _users = users;
        current?.Material.Hold();
        aux?.Material.Hold();
        pending?.Material.Hold();
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

    /// <summary>Takes a hold for a data-path thread; false if the snapshot was already let go by
    /// everyone (the caller reads the newer one).</summary>
    public bool TryEnter()
    {
        int n = Volatile.Read(ref _users);
        while (n > 0)
        {
            int seen = Interlocked.CompareExchange(ref _users, n + 1, n);
            if (seen == n) return true;
            n = seen;
        }
        return false;
    }

    /// <summary>Lets go of a hold (<see cref="TryEnter"/>'s, or the owner's when it publishes a
    /// successor); the last one releases the keys.</summary>
    public void Exit()
    {
        if (Interlocked.Decrement(ref _users) != 0) return;
        Current?.Material.Release();
        Aux?.Material.Release();
        Pending?.Material.Release();
    }

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
