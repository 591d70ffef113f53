using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>secnet's <c>diffie-hellman(P, G)</c> group (crypto.md §6, protocol.md §6). One object
/// per distinct group in a configuration (<see cref="Modules.CryptoModules"/> shares them), holding
/// the Montgomery context every exchange of every site in the group reuses.</summary>
public sealed class DiffieHellmanGroup : IDiffieHellman
{
    private readonly BigNum _modulus;
    private readonly BigNum _generator;
    private readonly BigNum _modulusMinusOne;

    // Null for an even modulus, which only a configuration that switched the primality check
    // off can give; such a group is computed with the variable-time power.
    private readonly MontgomeryModulus? _mont;

    private DiffieHellmanGroup(BigNum modulus, BigNum generator)
    {
        _modulus = modulus;
        _generator = generator;
        using BigNum one = BigNum.FromUInt64(1);
        _modulusMinusOne = modulus.Subtract(one);
        _mont = modulus.IsOdd ? new MontgomeryModulus(modulus) : null;
        long bits = modulus.BitLength;
        SecretLength = (int)(bits / 8);
        CeilLength = (int)((bits + 7) / 8);
    }

    public BigNum Modulus => _modulus;

    public BigNum Generator => _generator;

    public int SecretLength { get; }

    public int CeilLength { get; }

    /// <summary>Validates like secnet's dh.c. Error texts are the exact config messages;
    /// the "missing"/"not a string" argument errors belong to the config closure.</summary>
    public static bool TryCreate(string modulusHex, string generatorHex, bool checkPrime,
        out DiffieHellmanGroup? group, out string? error)
    {
        group = null;
        if (!BigIntHex.TryParseHex(modulusHex, out BigNum? p))
        {
            error = $"\"{modulusHex}\" is not a hex number string";
            return false;
        }

        if (!BigIntHex.TryParseHex(generatorHex, out BigNum? g))
        {
            p!.Dispose();
            error = $"\"{generatorHex}\" is not a hex number string";
            return false;
        }

        return TryCreate(p!, g!, checkPrime, out group, out error);
    }

    /// <summary>As the string form, for numbers already parsed; takes ownership of both.</summary>
    public static bool TryCreate(BigNum p, BigNum g, bool checkPrime, out DiffieHellmanGroup? group, out string? error)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(g);
        group = null;
        if (checkPrime && !DiffieHellmanPrimality.IsProbablePrime(p))
        {
            error = "modulus must be a prime";
        }
        else if (g.CompareTo(p) >= 0)
        {
            error = "generator must be less than modulus";
        }
        else if (p.Sign <= 0)
        {
            // A zero or negative modulus only gets here with the primality check disabled;
            // modular arithmetic with it is undefined, so refuse instead of failing later.
            error = "modulus must be a prime";
        }
        else
        {
            error = null;
            group = new DiffieHellmanGroup(p, g);
            return true;
        }

        p.Dispose();
        g.Dispose();
        return false;
    }

    public byte[] MakePublic(ReadOnlySpan<byte> secret)
    {
        using BigNum x = BigNum.FromBigEndian(secret, secret: true);
        using BigNum y = Power(_generator, x);
        return BigIntHex.ToHexAscii(y);
    }

    public DhPeerValue MakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key)
    {
        if (!BigIntHex.TryParseHex(peerPublicHex, out BigNum? parsed))
        {
            return DhPeerValue.Unparsable;
        }

        using BigNum peer = parsed!;
        if (!IsAcceptablePeerValue(peer))
        {
            return DhPeerValue.OutOfRange;
        }

        using BigNum x = BigNum.FromBigEndian(secret, secret: true);
        using BigNum z = Power(peer, x);
        int length = z.ByteLength;
        Span<byte> minimal = length <= 1024 ? stackalloc byte[length] : new byte[length];
        try
        {
            z.TryWriteBigEndian(minimal);
            WriteAnomalousKeyBytes(minimal, key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(minimal);
        }

        return DhPeerValue.Accepted;
    }

    /// <summary>1 &lt; y &lt; p-1 (see <see cref="DhPeerValue.OutOfRange"/>).</summary>
    public bool IsAcceptablePeerValue(BigNum y)
    {
        ArgumentNullException.ThrowIfNull(y);
        return y.CompareTo(1UL) > 0 && y.CompareTo(_modulusMinusOne) < 0;
    }

    /// <summary>secnet's key-byte rule (crypto.md §6.5): the most significant bytes of the
    /// minimal encoding, and if that is too short, zero bytes appended at the END. A zero Z
    /// (possible only with a degenerate configured group) counts as the one byte 0x00, as
    /// decoding GMP's "0" gives.</summary>
    public static void WriteAnomalousKeyBytes(ReadOnlySpan<byte> minimal, Span<byte> key)
    {
        int take = Math.Min(minimal.Length, key.Length);
        minimal[..take].CopyTo(key);
        key[take..].Clear();
    }

    private BigNum Power(BigNum @base, BigNum secretExponent) =>
        _mont is not null ? _mont.PowSecret(@base, secretExponent) : @base.ModPowPublic(secretExponent, _modulus);
}
