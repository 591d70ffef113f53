using System.Numerics;
using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>secnet's <c>diffie-hellman(P, G)</c> group (crypto.md §6, protocol.md §6).</summary>
public sealed class DiffieHellmanGroup : IDiffieHellman
{
    private readonly BigInteger _modulus;
    private readonly BigInteger _generator;

    private DiffieHellmanGroup(BigInteger modulus, BigInteger generator)
    {
        _modulus = modulus;
        _generator = generator;
        long bits = (long)BigInteger.Abs(modulus).GetBitLength();
        SecretLength = (int)(bits / 8);
        CeilLength = (int)((bits + 7) / 8);
    }

    public BigInteger Modulus => _modulus;

    public BigInteger Generator => _generator;

    public int SecretLength { get; }

    public int CeilLength { get; }

    /// <summary>Validates like secnet's dh.c. Error texts are the exact config messages;
    /// the "missing"/"not a string" argument errors belong to the config closure.</summary>
    public static bool TryCreate(string modulusHex, string generatorHex, bool checkPrime,
        out DiffieHellmanGroup? group, out string? error)
    {
        group = null;
        if (!BigIntHex.TryParseHex(modulusHex, out BigInteger p))
        {
            error = $"\"{modulusHex}\" is not a hex number string";
            return false;
        }

        if (!BigIntHex.TryParseHex(generatorHex, out BigInteger g))
        {
            error = $"\"{generatorHex}\" is not a hex number string";
            return false;
        }

        if (checkPrime && !DiffieHellmanPrimality.IsProbablePrime(p))
        {
            error = "modulus must be a prime";
            return false;
        }

        if (g >= p)
        {
            error = "generator must be less than modulus";
            return false;
        }

        // A zero or negative modulus only gets here with the primality check disabled;
        // modular arithmetic with it is undefined, so refuse instead of failing later.
        if (p.Sign <= 0)
        {
            error = "modulus must be a prime";
            return false;
        }

        error = null;
        group = new DiffieHellmanGroup(p, g);
        return true;
    }

    public byte[] MakePublic(ReadOnlySpan<byte> secret)
    {
        BigInteger x = BigIntHex.FromBigEndian(secret);
        return BigIntHex.ToHexAscii(BigInteger.ModPow(_generator, x, _modulus));
    }

    public bool TryMakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key)
    {
        if (!BigIntHex.TryParseHex(peerPublicHex, out BigInteger peer))
        {
            return false;
        }

        BigInteger x = BigIntHex.FromBigEndian(secret);
        BigInteger z = BigInteger.ModPow(peer, x, _modulus);
        if (z.Sign < 0)
        {
            z += _modulus;
        }

        byte[] minimal = BigIntHex.ToMinimalBytes(z);
        WriteAnomalousKeyBytes(minimal, key);
        CryptographicOperations.ZeroMemory(minimal);
        return true;
    }

    /// <summary>secnet's key-byte rule (crypto.md §6.5): the most significant bytes of the
    /// minimal encoding, and if that is too short, zero bytes appended at the END.</summary>
    public static void WriteAnomalousKeyBytes(ReadOnlySpan<byte> minimal, Span<byte> key)
    {
        int take = Math.Min(minimal.Length, key.Length);
        minimal[..take].CopyTo(key);
        key[take..].Clear();
    }
}
