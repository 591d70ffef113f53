namespace Secnet.Sites.Messages;

/// <summary>
/// Old-style key configuration (one rsa1 key per side, id 0000000000): the list we accept has one
/// entry, so a received signing-key index must be 0 (protocol.md §5).
/// </summary>
public static class SignatureKeys
{
    public const int OwnKeyCount = 1;

    /// <summary>Index of the old-style key id in a peer's accepted list, or -1 (first four only).</summary>
    public static int FindOldStyleKey(in NameExtra peerExtra)
    {
        int n = Math.Min(peerExtra.KeyIdCount, NameExtra.MaxUsedKeyIds);
        for (int i = 0; i < n; i++)
            if (peerExtra.KeyId(i).SequenceEqual(NameExtra.OldStyleKeyId)) return i;
        return -1;
    }
}
