namespace Secnet.Crypto;

/// <summary>The <c>priv-cache</c> closure value (crypto.md §8.6): private keys loaded on
/// demand from PREFIX ‖ 10 lower-case hex digits of the key id, in the SSH-1 format, without
/// the consistency check and always with sha1, keeping at most <see cref="Capacity"/>.</summary>
public sealed class RsaPrivateKeyCache(string prefix, int capacity, int maxFileBytes)
{
    public const int KeyIdLength = 5;

    private readonly LinkedList<(string Id, RsaPrivateKey Key)> _recent = new();
    private readonly Lock _gate = new();

    public string Prefix { get; } = prefix;

    public int Capacity { get; } = capacity;

    /// <summary>secnet's <c>privkey-max</c>: larger files are not read.</summary>
    public int MaxFileBytes { get; } = maxFileBytes;

    /// <summary>The key for a 5-byte key id; false (with the reason) if it cannot be loaded.</summary>
    public bool TryGet(ReadOnlySpan<byte> keyId, out RsaPrivateKey? key, out string? error)
    {
        key = null;
        if (keyId.Length != KeyIdLength)
        {
            error = "key id must be 5 bytes";
            return false;
        }

        string id = Convert.ToHexStringLower(keyId);
        lock (_gate)
        {
            for (LinkedListNode<(string Id, RsaPrivateKey Key)>? node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == id)
                {
                    _recent.Remove(node);
                    _recent.AddFirst(node);
                    key = node.Value.Key;
                    error = null;
                    return true;
                }
            }

            string path = Prefix + id;
            if (new FileInfo(path) is { Exists: true, Length: var size } && size > MaxFileBytes)
            {
                error = $"private key file \"{path}\" is larger than privkey-max ({MaxFileBytes})";
                return false;
            }

            if (!Ssh1PrivateKeyFile.TryLoad(path, false, Sha1Hash.Instance, out key, out error))
            {
                return false;
            }

            _recent.AddFirst((id, key!));
            while (_recent.Count > Math.Max(1, Capacity))
            {
                _recent.RemoveLast();
            }

            return true;
        }
    }
}
