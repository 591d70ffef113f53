using System.Security.Cryptography;
using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>
/// A fixed modulus with its Montgomery context computed once, for the powers with SECRET
/// exponents (Diffie-Hellman, the RSA-CRT halves). Sharing the context is safe: OpenSSL only
/// reads it during a power, from any thread.
/// </summary>
public sealed class MontgomeryModulus : IDisposable
{
    private nint _mont;

    /// <param name="modulus">Odd and positive (checked): Montgomery reduction needs both.</param>
    public MontgomeryModulus(BigNum modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        if (!modulus.IsOdd || modulus.Sign <= 0)
        {
            throw new ArgumentException("Montgomery reduction needs an odd positive modulus", nameof(modulus));
        }

        Modulus = modulus.Copy();
        LibCrypto.BnSetFlags(Modulus.Handle, LibCrypto.FlagConstTime);
        _mont = BigNum.Check(LibCrypto.BnMontCtxNew());
        BigNum.Check(LibCrypto.BnMontCtxSet(_mont, Modulus.Handle, BigNum.Context));
        GC.KeepAlive(Modulus);
    }

    ~MontgomeryModulus() => Free();

    public BigNum Modulus { get; }

    /// <summary>base^exponent mod m in constant time for the exponent's length
    /// (<c>BN_mod_exp_mont_consttime</c>); a base outside [0, m) is reduced first.</summary>
    public BigNum PowSecret(BigNum @base, BigNum exponent)
    {
        ArgumentNullException.ThrowIfNull(@base);
        ArgumentNullException.ThrowIfNull(exponent);
        ObjectDisposedException.ThrowIf(_mont == 0, this);
        BigNum r = BigNum.New();
        LibCrypto.BnSetFlags(r.Handle, LibCrypto.FlagConstTime);
        if (LibCrypto.BnModExpMontConstTime(r.Handle, @base.Handle, exponent.Handle, Modulus.Handle, BigNum.Context, _mont) == 0)
        {
            r.Dispose();
            throw new CryptographicException("OpenSSL constant-time power failed");
        }

        GC.KeepAlive(@base);
        GC.KeepAlive(exponent);
        GC.KeepAlive(this);
        return r;
    }

    public void Dispose()
    {
        Free();
        Modulus.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        nint mont = Interlocked.Exchange(ref _mont, 0);
        if (mont != 0)
        {
            LibCrypto.BnMontCtxFree(mont);
        }
    }
}
