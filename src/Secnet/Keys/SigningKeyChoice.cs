using Secnet.Crypto;

namespace Secnet.Keys;

/// <summary>
/// Which of our keys signs MSG3/MSG4: the first id in the peer's accepted list (only its first
/// <see cref="PeerKeySet.MaxKeys"/> count) whose private key we hold. The index goes on the wire.
/// </summary>
public static class SigningKeyChoice
{
    public static bool TryChoose(IReadOnlyList<KeyId> peerWants, IPrivateKeySource ours, out int index, out ISigningKey? key)
    {
        int n = Math.Min(peerWants.Count, PeerKeySet.MaxKeys);
        for (index = 0; index < n; index++)
        {
            key = ours.Find(peerWants[index]);
            if (key is not null) return true;
        }
        index = -1;
        key = null;
        return false;
    }
}
