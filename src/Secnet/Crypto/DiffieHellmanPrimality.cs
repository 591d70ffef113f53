using System.Numerics;

namespace Secnet.Crypto;

/// <summary>Probable-prime test standing in for GMP's <c>mpz_probab_prime_p(p, 5)</c>.
/// Fixed bases keep config checking reproducible; 16 Miller-Rabin rounds are stricter than
/// GMP's 5, and accepting a composite GMP would reject is harmless (crypto.md §6.1).</summary>
public static class DiffieHellmanPrimality
{
    private static readonly int[] Bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

    /// <summary>GMP looks at |n|, so a negative modulus is tested by its magnitude.</summary>
    public static bool IsProbablePrime(BigInteger n)
    {
        n = BigInteger.Abs(n);
        if (n < 2)
        {
            return false;
        }

        foreach (int b in Bases)
        {
            if (n == b)
            {
                return true;
            }

            if (n % b == 0)
            {
                return false;
            }
        }

        BigInteger nMinusOne = n - 1;
        BigInteger d = nMinusOne;
        int s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        foreach (int b in Bases)
        {
            if (!PassesRound(b, d, s, n, nMinusOne))
            {
                return false;
            }
        }

        return true;
    }

    private static bool PassesRound(BigInteger a, BigInteger d, int s, BigInteger n, BigInteger nMinusOne)
    {
        // n is odd here (2 is a base), as Montgomery arithmetic needs.
        BigInteger x = MontgomeryModPow.ModPow(a, d, n);
        if (x.IsOne || x == nMinusOne)
        {
            return true;
        }

        for (int r = 1; r < s; r++)
        {
            x = BigInteger.ModPow(x, 2, n);
            if (x == nMinusOne)
            {
                return true;
            }

            if (x.IsOne)
            {
                return false;
            }
        }

        return false;
    }
}
