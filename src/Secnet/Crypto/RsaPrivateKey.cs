using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>The <c>rsa-private(FILE)</c> closure value: an SSH-1 RSA key that signs with
/// secnet's padding (crypto.md §8.2-8.4).</summary>
public sealed class RsaPrivateKey : ISigningKey
{
    // OpenSSL's choice: a blinding pair is squared for 32 signatures, then drawn afresh.
    private const int BlindingUses = 32;

    private readonly BigNum _d;

    // The CRT parts: null when p or q cannot be a Montgomery modulus (a key loaded without the
    // consistency check); such a key signs with m^d mod n.
    private readonly MontgomeryModulus? _p;
    private readonly MontgomeryModulus? _q;
    private readonly BigNum? _dp;
    private readonly BigNum? _dq;
    private readonly BigNum? _iqmp;

    private readonly Lock _blindingLock = new();
    private BigNum? _blind;   // r^e mod n
    private BigNum? _unblind; // r^-1 mod n
    private int _blindingLeft;

    private RsaPrivateKey(Ssh1PrivateKeyComponents c, IHashAlgorithm hash)
    {
        Modulus = c.N;
        PublicExponent = c.E;
        Comment = c.Comment;
        FileKeyBits = c.KeyBits;
        Hash = hash;
        _d = c.D;
        if (c.P.IsOdd && c.Q.IsOdd)
        {
            using BigNum one = BigNum.FromUInt64(1);
            using BigNum pMinusOne = c.P.Subtract(one);
            using BigNum qMinusOne = c.Q.Subtract(one);
            _p = new MontgomeryModulus(c.P);
            _q = new MontgomeryModulus(c.Q);
            _dp = Secret(c.D.Mod(pMinusOne));
            _dq = Secret(c.D.Mod(qMinusOne));
            _iqmp = Secret(c.Iqmp.Mod(c.P));
        }

        PublicKey = RsaPublicKey.FromComponents(c.E.Copy(), c.N.Copy(), hash);
    }

    public BigNum Modulus { get; }

    public BigNum PublicExponent { get; }

    /// <summary>The key file's comment (bytes as stored, decoded as Latin-1 so nothing is lost).</summary>
    public string Comment { get; }

    /// <summary>The key-size field of the file (secnet ignores it).</summary>
    public uint FileKeyBits { get; }

    /// <summary>Bit length of the modulus actually used.</summary>
    public long ModulusBits => Modulus.BitLength;

    public IHashAlgorithm Hash { get; }

    /// <summary>The matching public key (same hash).</summary>
    public RsaPublicKey PublicKey { get; }

    /// <summary>False where secnet would die with "rsa: message too big" when signing.</summary>
    public bool DigestFits => RsaMessageRepresentative.Fits(Modulus, Hash.Length);

    /// <summary>Checks and wraps parsed file contents (taking ownership of its numbers).
    /// <paramref name="checkKey"/> is the config's consistency check (crypto.md §8.2); degenerate
    /// primes are refused even without it because signing with them cannot work.</summary>
    internal static bool TryCreate(Ssh1PrivateKeyComponents c, bool checkKey, IHashAlgorithm hash,
        out RsaPrivateKey? key, out string? error)
    {
        key = null;
        bool degenerate = c.P.CompareTo(1UL) <= 0 || c.Q.CompareTo(1UL) <= 0 || c.N.Sign <= 0;
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
        if (c.P.CompareTo(1UL) <= 0 || c.Q.CompareTo(1UL) <= 0)
        {
            return false;
        }

        using BigNum one = BigNum.FromUInt64(1);
        using BigNum pq = c.P.Multiply(c.Q);
        using BigNum de = c.D.Multiply(c.E);
        using BigNum pMinusOne = c.P.Subtract(one);
        using BigNum qMinusOne = c.Q.Subtract(one);
        using BigNum deModP = de.Mod(pMinusOne);
        using BigNum deModQ = de.Mod(qMinusOne);
        using BigNum qIqmp = c.Q.ModMultiply(c.Iqmp, c.P);
        return pq.Equals(c.N) && deModP.IsOne && deModQ.IsOne && qIqmp.IsOne;
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
        using BigNum m = RsaMessageRepresentative.Build(Modulus, digest);
        using BigNum s = SignRepresentative(m);
        return BigIntHex.ToHexAscii(s);
    }

    /// <summary>m^d mod n. The powers are OpenSSL's constant-time ones; the CRT recombination
    /// around them is not, so the input is blinded (r^e·m, unblinded by r^-1) as OpenSSL's own
    /// RSA does. A wrong result (a key loaded without the consistency check, with bad p, q or
    /// iqmp) is caught by checking s^e = m and replaced by the plain m^d mod n, so our output
    /// stays defined where secnet would send a bad signature.</summary>
    internal BigNum SignRepresentative(BigNum m)
    {
        if (_p is null || _q is null || _dp is null || _dq is null || _iqmp is null)
        {
            return PowD(m);
        }

        (BigNum blind, BigNum unblind) = NextBlinding();
        using (blind)
        using (unblind)
        {
            using BigNum blinded = m.ModMultiply(blind, Modulus);
            using BigNum u = _p.PowSecret(blinded, _dp);
            using BigNum v = _q.PowSecret(blinded, _dq);
            // Garner: s = v + q·(iqmp·(u − v) mod p), the same s as secnet's w·(u−v) + v mod n.
            using BigNum uMinusV = u.Subtract(v);
            using BigNum h = uMinusV.ModMultiply(_iqmp, _p.Modulus);
            using BigNum qh = h.Multiply(_q.Modulus);
            using BigNum sBlinded = qh.Add(v);
            BigNum s = sBlinded.ModMultiply(unblind, Modulus);
            using BigNum check = s.ModPowPublic(PublicExponent, Modulus);
            if (check.Equals(m))
            {
                return s;
            }

            s.Dispose();
            return PowD(m);
        }
    }

    // Only keys loaded without the consistency check get here, so the Montgomery context is not kept.
    private BigNum PowD(BigNum m)
    {
        if (!Modulus.IsOdd)
        {
            return m.ModPowPublic(_d, Modulus);
        }

        using var n = new MontgomeryModulus(Modulus);
        return n.PowSecret(m, _d);
    }

    /// <summary>This signature's (r^e, r^-1): the stored pair squared, or a fresh one.</summary>
    private (BigNum Blind, BigNum Unblind) NextBlinding()
    {
        lock (_blindingLock)
        {
            if (_blind is null || _unblind is null || _blindingLeft <= 0)
            {
                _blind?.Dispose();
                _unblind?.Dispose();
                (_blind, _unblind) = FreshBlinding();
                _blindingLeft = BlindingUses;
            }
            else
            {
                BigNum blind = _blind.ModMultiply(_blind, Modulus);
                BigNum unblind = _unblind.ModMultiply(_unblind, Modulus);
                _blind.Dispose();
                _unblind.Dispose();
                (_blind, _unblind) = (blind, unblind);
            }

            _blindingLeft--;
            return (_blind.Copy(), _unblind.Copy());
        }
    }

    private (BigNum Blind, BigNum Unblind) FreshBlinding()
    {
        byte[] buffer = new byte[Modulus.ByteLength];
        try
        {
            while (true)
            {
                SystemRandom.Fill(buffer);
                using BigNum raw = BigNum.FromBigEndian(buffer, secret: true);
                using BigNum r = raw.Mod(Modulus);
                BigNum? inverse = r.CompareTo(1UL) > 0 ? r.ModInverse(Modulus) : null;
                if (inverse is not null)
                {
                    return (r.ModPowPublic(PublicExponent, Modulus), inverse);
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    private static BigNum Secret(BigNum value)
    {
        value.MarkSecret();
        return value;
    }
}
