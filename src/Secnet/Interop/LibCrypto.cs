using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// OpenSSL's BIGNUM arithmetic (libcrypto.so.3, Debian package libssl3), which does every
/// big-number operation of key exchange and key loading. Chosen over GMP, which secnet links,
/// because on this project's machines its Montgomery exponentiation is the faster constant-time
/// one: a 2048-bit power with a 2048-bit secret exponent takes 2.0 ms with
/// <c>BN_mod_exp_mont_consttime</c> against 2.9 ms with GMP's <c>mpz_powm_sec</c> (and 2.7 ms with
/// the variable-time <c>mpz_powm</c> 0.6.7 uses), a 1024-bit CRT half 0.27 ms against 0.37 ms
/// (bench/README.md, "Big numbers"). Only the primality verdict comes from GMP (<see cref="LibGmp"/>).
/// Handles are raw pointers owned by <see cref="Crypto.BigNum"/> and its companions.
/// </summary>
internal static unsafe partial class LibCrypto
{
    public const string Lib = "libcrypto.so.3";

    /// <summary>BN_FLG_CONSTTIME: secret values take the constant-time code paths.</summary>
    public const int FlagConstTime = 0x04;

    [LibraryImport(Lib, EntryPoint = "BN_new")]
    public static partial nint BnNew();

    [LibraryImport(Lib, EntryPoint = "BN_clear_free")]
    public static partial void BnClearFree(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_set_flags")]
    public static partial void BnSetFlags(nint a, int flags);

    [LibraryImport(Lib, EntryPoint = "BN_bin2bn")]
    public static partial nint BnBin2Bn(byte* s, int length, nint ret);

    /// <summary>Writes |a| big-endian, left-padded with zeros to exactly <paramref name="toLength"/>
    /// bytes; -1 if it does not fit.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_bn2binpad")]
    public static partial int BnBn2BinPad(nint a, byte* to, int toLength);

    /// <summary>Reads hex digits from a NUL-terminated string into *a (allocating one if *a is 0);
    /// returns the number of characters consumed, 0 on failure.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_hex2bn")]
    public static partial int BnHex2Bn(nint* a, byte* text);

    [LibraryImport(Lib, EntryPoint = "BN_dec2bn")]
    public static partial int BnDec2Bn(nint* a, byte* text);

    /// <summary>Decimal text, freed with <see cref="CryptoFree"/>.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_bn2dec")]
    public static partial byte* BnBn2Dec(nint a);

    [LibraryImport(Lib, EntryPoint = "CRYPTO_free")]
    public static partial void CryptoFree(void* pointer, byte* file, int line);

    [LibraryImport(Lib, EntryPoint = "BN_num_bits")]
    public static partial int BnNumBits(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_is_negative")]
    public static partial int BnIsNegative(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_set_negative")]
    public static partial void BnSetNegative(nint a, int negative);

    [LibraryImport(Lib, EntryPoint = "BN_is_zero")]
    public static partial int BnIsZero(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_is_one")]
    public static partial int BnIsOne(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_is_odd")]
    public static partial int BnIsOdd(nint a);

    [LibraryImport(Lib, EntryPoint = "BN_set_word")]
    public static partial int BnSetWord(nint a, ulong w);

    [LibraryImport(Lib, EntryPoint = "BN_copy")]
    public static partial nint BnCopy(nint to, nint from);

    [LibraryImport(Lib, EntryPoint = "BN_cmp")]
    public static partial int BnCmp(nint a, nint b);

    [LibraryImport(Lib, EntryPoint = "BN_add")]
    public static partial int BnAdd(nint r, nint a, nint b);

    [LibraryImport(Lib, EntryPoint = "BN_sub")]
    public static partial int BnSub(nint r, nint a, nint b);

    [LibraryImport(Lib, EntryPoint = "BN_mul")]
    public static partial int BnMul(nint r, nint a, nint b, nint ctx);

    /// <summary>r = a mod m with 0 &lt;= r &lt; |m|.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_nnmod")]
    public static partial int BnNnMod(nint r, nint a, nint m, nint ctx);

    [LibraryImport(Lib, EntryPoint = "BN_mod_mul")]
    public static partial int BnModMul(nint r, nint a, nint b, nint m, nint ctx);

    /// <summary>Returns r (or a new BIGNUM when r is 0), or 0 when no inverse exists.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_mod_inverse")]
    public static partial nint BnModInverse(nint r, nint a, nint n, nint ctx);

    /// <summary>Variable-time power, for public exponents (signature checks).</summary>
    [LibraryImport(Lib, EntryPoint = "BN_mod_exp")]
    public static partial int BnModExp(nint r, nint a, nint p, nint m, nint ctx);

    /// <summary>Constant-time Montgomery power for secret exponents; m must be odd.</summary>
    [LibraryImport(Lib, EntryPoint = "BN_mod_exp_mont_consttime")]
    public static partial int BnModExpMontConstTime(nint r, nint a, nint p, nint m, nint ctx, nint mont);

    [LibraryImport(Lib, EntryPoint = "BN_CTX_new")]
    public static partial nint BnCtxNew();

    [LibraryImport(Lib, EntryPoint = "BN_MONT_CTX_new")]
    public static partial nint BnMontCtxNew();

    [LibraryImport(Lib, EntryPoint = "BN_MONT_CTX_set")]
    public static partial int BnMontCtxSet(nint mont, nint modulus, nint ctx);

    [LibraryImport(Lib, EntryPoint = "BN_MONT_CTX_free")]
    public static partial void BnMontCtxFree(nint mont);
}
