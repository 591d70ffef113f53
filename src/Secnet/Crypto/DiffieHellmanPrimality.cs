using System.Numerics;

namespace Secnet.Crypto;

/// <summary>Probable-prime test standing in for GMP's <c>mpz_probab_prime_p(p, 5)</c>:
/// trial division by small primes, then Miller-Rabin with the first five primes as fixed bases
/// (reproducible config checks; crypto.md §6.1 asks for at least 5 rounds). Accepting a
/// composite GMP would reject is harmless; each round of a 2048-bit modulus costs a full
/// modular power, which is most of <c>secnet -j</c>'s time (bench/README.md).</summary>
public static class DiffieHellmanPrimality
{
    private static readonly int[] SmallPrimes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53];

    private const int Rounds = 5;

    /// <summary>GMP looks at |n|, so a negative modulus is tested by its magnitude.</summary>
    public static bool IsProbablePrime(BigInteger n)
    {
        n = BigInteger.Abs(n);
        if (n < 2)
        {
            return false;
        }

        foreach (int b in SmallPrimes)
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

        for (int i = 0; i < Rounds; i++)
        {
            if (!PassesRound(SmallPrimes[i], d, s, n, nMinusOne))
            {
                return false;
            }
        }

        return true;
    }

    private static bool PassesRound(BigInteger a, BigInteger d, int s, BigInteger n, BigInteger nMinusOne)
    {
        // BigInteger.ModPow, not our own multiprecision code: the check runs once per DH group at
        // start-up, and 5 rounds (GMP's reps as 0.6.7 calls it) keep -j faster than 0.6.7's.
        BigInteger x = BigInteger.ModPow(a, d, n);
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
