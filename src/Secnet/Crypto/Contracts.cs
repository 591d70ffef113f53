namespace Secnet.Crypto;

/// <summary>The RANDOMSRC closure value.</summary>
public interface IRandomSource
{
    /// <summary>Fills <paramref name="destination"/>; throws only if the source cannot be read
    /// (fatal in secnet).</summary>
    void Fill(Span<byte> destination);
}

/// <summary>The HASH closure value (md5, sha1).</summary>
public interface IHashAlgorithm
{
    string Name { get; }
    int Length { get; }
    void Hash(ReadOnlySpan<byte> data, Span<byte> destination);
}

/// <summary>The DH closure value: one group.</summary>
public interface IDiffieHellman
{
    /// <summary>Bytes of random needed for a private exponent (floor(bitlen(p)/8)).</summary>
    int SecretLength { get; }

    /// <summary>ceil(bitlen(p)/8): key bytes handed to a transform whose KeyLength is 0.</summary>
    int CeilLength { get; }

    /// <summary>g^x mod p as lower-case hex without leading zeros (ASCII, for the wire).</summary>
    byte[] MakePublic(ReadOnlySpan<byte> secret);

    /// <summary>Shared secret key bytes with secnet's zero padding at the end (crypto.md §6.5),
    /// written only when the peer's value is <see cref="DhPeerValue.Accepted"/>.</summary>
    DhPeerValue MakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key);
}

/// <summary>What became of a peer's Diffie-Hellman public value.</summary>
public enum DhPeerValue
{
    Accepted,

    /// <summary>Not a hex number for GMP.</summary>
    Unparsable,

    /// <summary>Outside 1 &lt; y &lt; p-1: 0, 1 and p-1 (and anything congruent) make the shared
    /// secret one of three known values whatever our exponent; 0.6.7 takes them.</summary>
    OutOfRange,
}

/// <summary>The SIGPRIVKEY closure value.</summary>
public interface ISigningKey
{
    /// <summary>Signature of <paramref name="message"/> as lower-case hex without leading zeros.</summary>
    byte[] Sign(ReadOnlySpan<byte> message);
}

/// <summary>The SIGPUBKEY closure value.</summary>
public interface IVerifyKey
{
    /// <summary>True iff <paramref name="signatureHex"/> is a valid signature of <paramref name="message"/>.</summary>
    bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureHex);
}
