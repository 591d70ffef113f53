using System.Numerics;
using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>The <c>rsa-private(FILE)</c> closure value: an SSH-1 RSA key that signs with
/// secnet's padding (crypto.md §8.2-8.4).</summary>
public sealed class RsaPrivateKey : ISigningKey
{
    private readonly BigInteger _p;
    private readonly BigInteger _q;
    private readonly BigInteger _dp;
    private readonly BigInteger _dq;
    private readonly BigInteger _w;
    private readonly BigInteger _d;

    private RsaPrivateKey(Ssh1PrivateKeyComponents c, IHashAlgorithm hash)
    {
        Modulus = c.N;
        PublicExponent = c.E;
        Comment = c.Comment;
        FileKeyBits = c.KeyBits;
        Hash = hash;
        _d = c.D;
        _p = c.P;
        _q = c.Q;
        _dp = c.D % (c.P - 1);
        _dq = c.D % (c.Q - 1);
        _w = c.Iqmp * c.Q;
        PublicKey = RsaPublicKey.FromComponents(c.E, c.N, hash);
    }

    public BigInteger Modulus { get; }

    public BigInteger PublicExponent { get; }

    /// <summary>The key file's comment (bytes as stored, decoded as Latin-1 so nothing is lost).</summary>
    public string Comment { get; }

    /// <summary>The key-size field of the file (secnet ignores it).</summary>
    public uint FileKeyBits { get; }

    /// <summary>Bit length of the modulus actually used.</summary>
    public long ModulusBits => (long)Modulus.GetBitLength();

    public IHashAlgorithm Hash { get; }

    /// <summary>The matching public key (same hash).</summary>
    public RsaPublicKey PublicKey { get; }

    /// <summary>False where secnet would die with "rsa: message too big" when signing.</summary>
    public bool DigestFits => RsaMessageRepresentative.Fits(Modulus, Hash.Length);

    /// <summary>Checks and wraps parsed file contents. <paramref name="checkKey"/> is the
    /// config's consistency check (crypto.md §8.2); degenerate primes are refused even
    /// without it because signing with them cannot work.</summary>
    internal static bool TryCreate(Ssh1PrivateKeyComponents c, bool checkKey, IHashAlgorithm hash,
        out RsaPrivateKey? key, out string? error)
    {
        key = null;
        bool degenerate = c.P <= 1 || c.Q <= 1 || c.N.Sign <= 0;
        if (degenerate || (checkKey && !IsConsistent(c)))
        {
            error = "file does not contain a valid RSA key!";
            return false;
        }

        error = null;
        key = new RsaPrivateKey(c, hash);
        return true;
    }

    /// <summary>p·q = n, d·e ≡ 1 mod (p−1) and mod (q−1), q·iqmp ≡ 1 mod p.</summary>
    internal static bool IsConsistent(Ssh1PrivateKeyComponents c)
    {
        if (c.P <= 1 || c.Q <= 1)
        {
            return false;
        }

        BigInteger de = c.D * c.E;
        return c.P * c.Q == c.N
            && RsaArithmetic.Mod(de, c.P - 1).IsOne
            && RsaArithmetic.Mod(de, c.Q - 1).IsOne
            && RsaArithmetic.Mod(c.Q * c.Iqmp, c.P).IsOne;
    }

    /// <summary>Throws (secnet: fatal "rsa: message too big") when the modulus is too small
    /// for the digest; check <see cref="DigestFits"/> at configuration time.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        if (!DigestFits)
        {
            throw new CryptographicException("rsa: message too big");
        }

        Span<byte> digest = stackalloc byte[Hash.Length];
        Hash.Hash(message, digest);
        BigInteger m = RsaMessageRepresentative.Build(Modulus, digest);
        return BigIntHex.ToHexAscii(SignRepresentative(m));
    }

    /// <summary>m^d mod n by CRT, as secnet does (s = w·(u−v) + v mod n). The input is
    /// blinded with a random r^e because BigInteger.ModPow is not constant-time and this key
    /// is long-lived; blinding does not change the result.</summary>
    internal BigInteger SignRepresentative(BigInteger m)
    {
        BigInteger r = RandomUnit();
        BigInteger blinded = RsaArithmetic.Mod(m * BigInteger.ModPow(r, PublicExponent, Modulus), Modulus);
        BigInteger u = BigInteger.ModPow(blinded, _dp, _p);
        BigInteger v = BigInteger.ModPow(blinded, _dq, _q);
        BigInteger s = RsaArithmetic.Mod((_w * (u - v)) + v, Modulus);
        BigInteger unblinded = RsaArithmetic.Mod(s * RsaArithmetic.ModInverse(r, Modulus), Modulus);

        // A key loaded without the consistency check may have wrong p/q/iqmp; secnet would
        // then send a bad signature. Falling back to plain m^d keeps our output defined.
        return BigInteger.ModPow(unblinded, PublicExponent, Modulus) == m
            ? unblinded
            : BigInteger.ModPow(m, _d, Modulus);
    }

    private BigInteger RandomUnit()
    {
        int length = (int)((Modulus.GetBitLength() + 7) / 8);
        byte[] buffer = new byte[length];
        while (true)
        {
            RandomNumberGenerator.Fill(buffer);
            BigInteger r = RsaArithmetic.Mod(BigIntHex.FromBigEndian(buffer), Modulus);
            if (r > 1 && BigInteger.GreatestCommonDivisor(r, Modulus).IsOne)
            {
                return r;
            }
        }
    }
}
