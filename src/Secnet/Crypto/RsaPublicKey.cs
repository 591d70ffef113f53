namespace Secnet.Crypto;

/// <summary>The <c>rsa-public(E, N)</c> closure value (crypto.md §8.1, §8.4).</summary>
public sealed class RsaPublicKey : IVerifyKey
{
    /// <summary>secnet's RSA_MAX_MODBYTES: bigger numbers are refused as implausible.</summary>
    public const int MaxBytes = 2048;

    private readonly bool _usable;

    private RsaPublicKey(BigNum exponent, BigNum modulus, IHashAlgorithm hash)
    {
        Exponent = exponent;
        Modulus = modulus;
        Hash = hash;
        // GMP would misbehave or abort on these; refusing every signature is the safe reading.
        _usable = modulus.Sign > 0 && exponent.Sign >= 0 && RsaMessageRepresentative.Fits(modulus, hash.Length);
    }

    public BigNum Exponent { get; }

    public BigNum Modulus { get; }

    public IHashAlgorithm Hash { get; }

    /// <summary>Parses the two decimal config strings; error texts are 0.6.7's (config.md §4.11).</summary>
    public static bool TryCreate(string e, string n, IHashAlgorithm hash, out RsaPublicKey? key, out string? error)
    {
        key = null;
        if (!BigIntHex.TryParseDecimal(e, out BigNum? exponent))
        {
            error = $"public exponent \"{e}\" is not a decimal number string";
            return false;
        }

        if (exponent!.ByteLength > MaxBytes)
        {
            exponent.Dispose();
            error = "implausibly large public exponent";
            return false;
        }

        if (!BigIntHex.TryParseDecimal(n, out BigNum? modulus))
        {
            exponent.Dispose();
            error = $"modulus \"{n}\" is not a decimal number string";
            return false;
        }

        if (modulus!.ByteLength > MaxBytes)
        {
            exponent.Dispose();
            modulus.Dispose();
            error = "implausibly large modulus";
            return false;
        }

        error = null;
        key = new RsaPublicKey(exponent, modulus, hash);
        return true;
    }

    /// <summary>For keys that are already numbers (a loaded private key's public half, keygen);
    /// takes ownership of both.</summary>
    public static RsaPublicKey FromComponents(BigNum e, BigNum n, IHashAlgorithm hash) => new(e, n, hash);

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureHex)
    {
        if (!_usable || !BigIntHex.TryParseHex(signatureHex, out BigNum? parsed))
        {
            return false;
        }

        using BigNum s = parsed!;
        Span<byte> digest = stackalloc byte[Hash.Length];
        Hash.Hash(message, digest);
        using BigNum expected = RsaMessageRepresentative.Build(Modulus, digest);
        // A negative s is taken modulo n by OpenSSL's power as by GMP's; the result is in [0, n).
        using BigNum c = s.ModPowPublic(Exponent, Modulus);
        return c.Equals(expected);
    }
}
