using Secnet.Keys;
using Secnet.Log;

namespace Secnet.Crypto;

/// <summary>
/// The <c>priv-cache</c> closure value (README, "privcache"): our private keys loaded on demand
/// from PREFIX ‖ 10 lower-case hex digits of the key id, in the SSH-1 format, without the
/// consistency check and always with sha1. The last <see cref="Capacity"/> ids looked up are
/// remembered, keys not found among them too (negative entries), so a peer offering ids we do
/// not hold costs no failed load and no log line at every exchange. A negative entry is only
/// trusted while its file is still absent (one stat): a key rollover installs the new private
/// key while peers may already offer its id, and the next exchange must find it rather than
/// wait for the entry to be pushed out.
/// </summary>
public sealed class RsaPrivateKeyCache(string prefix, int capacity, int maxFileBytes, ILog? log = null) : IPrivateKeySource
{
    public const int KeyIdLength = KeyId.Length;

    private readonly LinkedList<Entry> _recent = new();
    private readonly Lock _gate = new();

    public string Prefix { get; } = prefix;

    public int Capacity { get; } = capacity;

    /// <summary>secnet's <c>privkey-max</c>: larger files are not read.</summary>
    public int MaxFileBytes { get; } = maxFileBytes;

    /// <summary>File loads so far (for tests of the caching).</summary>
    public int Loads { get; private set; }

    public ISigningKey? Find(KeyId id)
    {
        Span<byte> bytes = stackalloc byte[KeyId.Length];
        id.Write(bytes);
        return TryGet(bytes, out RsaPrivateKey? key, out _) ? key : null;
    }

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
            for (LinkedListNode<Entry>? node = _recent.First; node is not null; node = node.Next)
            {
                if (node.Value.Id == id)
                {
                    _recent.Remove(node);
                    if (node.Value.Key is null && File.Exists(Prefix + id))
                    {
                        break;
                    }

                    _recent.AddFirst(node);
                    key = node.Value.Key;
                    error = node.Value.Error;
                    return key is not null;
                }
            }

            Load(Prefix + id, out key, out error);
            _recent.AddFirst(new Entry(id, key, error));
            while (_recent.Count > Math.Max(1, Capacity))
            {
                _recent.RemoveLast();
            }

            return key is not null;
        }
    }

    private void Load(string path, out RsaPrivateKey? key, out string? error)
    {
        Loads++;
        key = null;
        if (new FileInfo(path) is { Exists: true, Length: var size } && size > MaxFileBytes)
        {
            error = $"private key file \"{path}\" is larger than privkey-max ({MaxFileBytes})";
            Log(LogClass.Error, error);
            return;
        }

        switch (Ssh1PrivateKeyFile.Load(path, false, Sha1Hash.Instance, out key, out error))
        {
            case Ssh1LoadOutcome.Loaded:
                return;
            case Ssh1LoadOutcome.CannotOpen when error == "No such file or directory":
                // Expected: the peer offers every key it accepts, we hold only some.
                Log(LogClass.Debug, $"private key {path} not found");
                error = $"cannot open file \"{path}\": {error}";
                return;
            case Ssh1LoadOutcome.CannotOpen:
                error = $"cannot open file \"{path}\": {error}";
                Log(LogClass.Error, $"private key {error}");
                return;
            default:
                Log(LogClass.Error, $"private key {path}: {error}");
                return;
        }
    }

    private void Log(LogClass cls, string text)
    {
        if (log is not null && log.IsEnabled(cls)) log.Log(cls, text);
    }

    private sealed record Entry(string Id, RsaPrivateKey? Key, string? Error);
}
