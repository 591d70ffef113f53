using Secnet.Crypto;

namespace Secnet.Keys;

/// <summary>Our own signing keys by id: a <c>priv-cache</c>, or the old-style <c>local-key</c>.
/// Owner thread only (key exchanges).</summary>
public interface IPrivateKeySource
{
    /// <summary>The private key with this id, or null if we do not hold it.</summary>
    ISigningKey? Find(KeyId id);
}

/// <summary>The old-style <c>local-key</c>: our key is 0000000000 and nothing else.</summary>
public sealed class LegacyPrivateKey(ISigningKey key) : IPrivateKeySource
{
    public ISigningKey? Find(KeyId id) => id == KeyId.Legacy ? key : null;
}
