using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>secnet's check of a configured Diffie-Hellman modulus, <c>mpz_probab_prime_p(p, 5)</c>,
/// asked of GMP itself so that every verdict is 0.6.7's (<see cref="LibGmp"/>).</summary>
public static class DiffieHellmanPrimality
{
    private const int Reps = 5;

    /// <summary>False only where GMP says "composite". GMP looks at |n|, as the magnitude's bytes
    /// passed here are.</summary>
    public static unsafe bool IsProbablePrime(BigNum n)
    {
        ArgumentNullException.ThrowIfNull(n);
        byte[] magnitude = n.ToBigEndian();
        LibGmp.Mpz z;
        LibGmp.MpzInit(&z);
        try
        {
            fixed (byte* p = magnitude)
            {
                LibGmp.MpzImport(&z, (nuint)magnitude.Length, 1, 1, 1, 0, p);
            }

            return LibGmp.MpzProbabPrimeP(&z, Reps) != 0;
        }
        finally
        {
            LibGmp.MpzClear(&z);
        }
    }
}
