using Secnet.Crypto;

namespace Secnet.Keys;

/// <summary>One accepted public key of the peer.</summary>
public sealed record PeerKey(KeyId Id, IVerifyKey Key);

/// <summary>
/// The peer's keys a site accepts, in the publisher's order of preference, already reduced by
/// the relier's rules (<see cref="PeerKeySetParser"/>): at most <see cref="MaxKeys"/>. This list
/// is offered in MSG2/MSG3, and a signing-key index the peer sends refers into it. Immutable, so
/// an exchange keeps the set it started with while a newer one is installed.
/// </summary>
public sealed class PeerKeySet(uint serial, IReadOnlyList<PeerKey> keys)
{
    /// <summary>NOTES: "Limit is at least 4"; 0.6.7 offers the first four (observed).</summary>
    public const int MaxKeys = 4;

    public static PeerKeySet Empty { get; } = new(0, []);

    /// <summary>The set's serial; 0 when the file had none (the oldest of all).</summary>
    public uint Serial { get; } = serial;

    public IReadOnlyList<PeerKey> Keys { get; } = keys;

    public int Count => Keys.Count;

    /// <summary>The old-style configuration: one rsa1 key with id 0000000000.</summary>
    public static PeerKeySet Fixed(IVerifyKey key) => new(0, [new PeerKey(KeyId.Legacy, key)]);

    /// <summary>The ids as they go on the wire: N×5 bytes.</summary>
    public byte[] WireIds()
    {
        var bytes = new byte[Keys.Count * KeyId.Length];
        for (int i = 0; i < Keys.Count; i++) Keys[i].Id.Write(bytes.AsSpan(i * KeyId.Length));
        return bytes;
    }
}
