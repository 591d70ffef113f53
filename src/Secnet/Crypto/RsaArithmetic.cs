using System.Numerics;

namespace Secnet.Crypto;

/// <summary>Modular helpers BigInteger lacks (non-negative remainder, inverse).</summary>
internal static class RsaArithmetic
{
    public static BigInteger Mod(BigInteger a, BigInteger n)
    {
        BigInteger r = BigInteger.Remainder(a, n);
        return r.Sign < 0 ? r + n : r;
    }

    /// <summary>Extended Euclid; callers guarantee gcd(a, n) = 1.</summary>
    public static BigInteger ModInverse(BigInteger a, BigInteger n)
    {
        BigInteger oldR = Mod(a, n), r = n, oldS = BigInteger.One, s = BigInteger.Zero;
        while (!r.IsZero)
        {
            BigInteger quotient = BigInteger.Divide(oldR, r);
            (oldR, r) = (r, oldR - (quotient * r));
            (oldS, s) = (s, oldS - (quotient * s));
        }

        return Mod(oldS, n);
    }
}
