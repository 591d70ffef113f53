using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// The one GMP call we make (libgmp.so.10, Debian package libgmp10): the primality verdict of a
/// configured Diffie-Hellman modulus. secnet asks <c>mpz_probab_prime_p(p, 5)</c>; asking the same
/// function of the same library gives the same verdict on every input, pseudoprimes included,
/// which no test of our own or of OpenSSL's (random Miller-Rabin bases) can promise.
/// The <c>mpz_*</c> names are macros for the exported <c>__gmpz_*</c> symbols.
/// </summary>
internal static unsafe partial class LibGmp
{
    public const string Lib = "libgmp.so.10";

    /// <summary>mpz_t: { int _mp_alloc; int _mp_size; mp_limb_t *_mp_d; }.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Mpz
    {
        public int Alloc;
        public int Size;
        public nint Limbs;
    }

    [LibraryImport(Lib, EntryPoint = "__gmpz_init")]
    public static partial void MpzInit(Mpz* x);

    [LibraryImport(Lib, EntryPoint = "__gmpz_clear")]
    public static partial void MpzClear(Mpz* x);

    /// <summary>order 1 / endian 1 / size 1 / nails 0 reads plain big-endian bytes.</summary>
    [LibraryImport(Lib, EntryPoint = "__gmpz_import")]
    public static partial void MpzImport(Mpz* rop, nuint count, int order, nuint size, int endian, nuint nails, byte* op);

    /// <summary>2 definitely prime, 1 probably prime, 0 composite.</summary>
    [LibraryImport(Lib, EntryPoint = "__gmpz_probab_prime_p")]
    public static partial int MpzProbabPrimeP(Mpz* n, int reps);
}
