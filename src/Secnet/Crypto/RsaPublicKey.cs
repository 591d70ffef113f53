using System.Numerics;

namespace Secnet.Crypto;

/// <summary>The <c>rsa-public(E, N)</c> closure value (crypto.md §8.1, §8.4).</summary>
public sealed class RsaPublicKey : IVerifyKey
{
    /// <summary>secnet's RSA_MAX_MODBYTES: bigger numbers are refused as implausible.</summary>
    public const int MaxBytes = 2048;

    private readonly bool _usable;

    private RsaPublicKey(BigInteger exponent, BigInteger modulus, IHashAlgorithm hash)
    {
        Exponent = exponent;
        Modulus = modulus;
        Hash = hash;
        // GMP would misbehave or abort on these; refusing every signature is the safe reading.
        _usable = modulus.Sign > 0 && exponent.Sign >= 0 && RsaMessageRepresentative.Fits(modulus, hash.Length);
    }

    public BigInteger Exponent { get; }

    public BigInteger Modulus { get; }

    public IHashAlgorithm Hash { get; }

    /// <summary>Parses the two decimal config strings; error texts are 0.6.7's (config.md §4.11).</summary>
    public static bool TryCreate(string e, string n, IHashAlgorithm hash, out RsaPublicKey? key, out string? error)
    {
        key = null;
        if (!BigIntHex.TryParseDecimal(e, out BigInteger exponent))
        {
            error = $"public exponent \"{e}\" is not a decimal number string";
            return false;
        }

        if (ByteLength(exponent) > MaxBytes)
        {
            error = "implausibly large public exponent";
            return false;
        }

        if (!BigIntHex.TryParseDecimal(n, out BigInteger modulus))
        {
            error = $"modulus \"{n}\" is not a decimal number string";
            return false;
        }

        if (ByteLength(modulus) > MaxBytes)
        {
            error = "implausibly large modulus";
            return false;
        }

        error = null;
        key = new RsaPublicKey(exponent, modulus, hash);
        return true;
    }

    /// <summary>For keys that are already numbers (a loaded private key's public half, keygen).</summary>
    public static RsaPublicKey FromComponents(BigInteger e, BigInteger n, IHashAlgorithm hash) => new(e, n, hash);

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureHex)
    {
        if (!_usable || !BigIntHex.TryParseHex(signatureHex, out BigInteger s))
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[Hash.Length];
        Hash.Hash(message, digest);
        BigInteger expected = RsaMessageRepresentative.Build(Modulus, digest);
        BigInteger c = BigInteger.ModPow(s, Exponent, Modulus);
        if (c.Sign < 0)
        {
            c += Modulus;
        }

        return c == expected;
    }

    internal static long ByteLength(BigInteger value) => ((long)BigInteger.Abs(value).GetBitLength() + 7) / 8;
}
