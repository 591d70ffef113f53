using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>
/// An immutable big integer held by OpenSSL (<see cref="LibCrypto"/>): every operation returns a
/// new number, freed (and its limbs cleared) by <see cref="IDisposable.Dispose"/> or, as a safety
/// net, the finalizer. Key-exchange code disposes its temporaries with <c>using</c>; keys and groups
/// keep theirs for the life of the configuration. No arithmetic happens in managed code.
/// </summary>
public sealed class BigNum : SafeHandle, IEquatable<BigNum>, IComparable<BigNum>
{
    // One BN_CTX (OpenSSL's scratch-number pool) per thread that does big-number work: a BN_CTX
    // must not be shared between threads, and only the configuration reader, the site owner loop
    // and keygen ever get here, so the few contexts are kept for the thread's life.
    [ThreadStatic]
    private static nint t_context;

    private BigNum(nint handle)
        : base(0, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == 0;

    public int BitLength => Read(LibCrypto.BnNumBits(handle));

    /// <summary>Bytes of the magnitude (0 for zero).</summary>
    public int ByteLength => (BitLength + 7) / 8;

    public bool IsZero => Read(LibCrypto.BnIsZero(handle)) != 0;

    public bool IsOne => Read(LibCrypto.BnIsOne(handle)) != 0;

    public bool IsOdd => Read(LibCrypto.BnIsOdd(handle)) != 0;

    public bool IsNegative => Read(LibCrypto.BnIsNegative(handle)) != 0;

    /// <summary>-1, 0 or 1.</summary>
    public int Sign => IsZero ? 0 : IsNegative ? -1 : 1;

    internal nint Handle => handle;

    internal static nint Context
    {
        get
        {
            nint ctx = t_context;
            if (ctx == 0)
            {
                ctx = Check(LibCrypto.BnCtxNew());
                t_context = ctx;
            }

            return ctx;
        }
    }

    public static BigNum FromUInt64(ulong value)
    {
        BigNum r = New();
        Check(LibCrypto.BnSetWord(r.handle, value));
        return r;
    }

    /// <summary>Unsigned big-endian bytes. <paramref name="secret"/> marks the number for
    /// OpenSSL's constant-time paths (exponents, private key parts).</summary>
    public static unsafe BigNum FromBigEndian(ReadOnlySpan<byte> bytes, bool secret = false)
    {
        BigNum r = New();
        if (secret)
        {
            LibCrypto.BnSetFlags(r.handle, LibCrypto.FlagConstTime);
        }

        fixed (byte* p = bytes)
        {
            Check(LibCrypto.BnBin2Bn(p, bytes.Length, r.handle));
        }

        return r;
    }

    /// <summary>Sends this number down OpenSSL's constant-time paths from now on (its value is
    /// unchanged, so immutability holds).</summary>
    internal void MarkSecret()
    {
        LibCrypto.BnSetFlags(handle, LibCrypto.FlagConstTime);
        GC.KeepAlive(this);
    }

    /// <summary>Digits already checked by the caller (<see cref="BigIntHex"/>): ASCII hex or
    /// decimal, no sign, no white space, at least one.</summary>
    internal static unsafe BigNum FromDigits(ReadOnlySpan<byte> digits, bool hex, bool negative)
    {
        // BN_hex2bn/BN_dec2bn want a NUL-terminated string.
        Span<byte> text = digits.Length < 2048 ? stackalloc byte[digits.Length + 1] : new byte[digits.Length + 1];
        digits.CopyTo(text);
        text[^1] = 0;
        BigNum r = New();
        nint h = r.handle;
        fixed (byte* p = text)
        {
            int used = hex ? LibCrypto.BnHex2Bn(&h, p) : LibCrypto.BnDec2Bn(&h, p);
            if (used != digits.Length)
            {
                r.Dispose();
                throw new CryptographicException("big number conversion failed");
            }
        }

        if (negative)
        {
            LibCrypto.BnSetNegative(h, 1);
        }

        return r;
    }

    /// <summary>|this| as big-endian bytes, exactly <paramref name="destination"/>'s length
    /// (zeros in front); false if it does not fit.</summary>
    public unsafe bool TryWriteBigEndian(Span<byte> destination)
    {
        fixed (byte* p = destination)
        {
            return Read(LibCrypto.BnBn2BinPad(handle, p, destination.Length)) >= 0;
        }
    }

    /// <summary>|this| as minimal big-endian bytes (empty for zero).</summary>
    public byte[] ToBigEndian()
    {
        byte[] bytes = new byte[ByteLength];
        TryWriteBigEndian(bytes);
        return bytes;
    }

    public unsafe string ToDecimalString()
    {
        byte* text = LibCrypto.BnBn2Dec(handle);
        GC.KeepAlive(this);
        if (text == null)
        {
            throw new CryptographicException("big number conversion failed");
        }

        try
        {
            return Marshal.PtrToStringAnsi((nint)text)!;
        }
        finally
        {
            LibCrypto.CryptoFree(text, null, 0);
        }
    }

    public override string ToString() => ToDecimalString();

    public BigNum Add(BigNum other) => Binary(other, static (r, a, b) => LibCrypto.BnAdd(r, a, b));

    public BigNum Subtract(BigNum other) => Binary(other, static (r, a, b) => LibCrypto.BnSub(r, a, b));

    public BigNum Multiply(BigNum other) => Binary(other, static (r, a, b) => LibCrypto.BnMul(r, a, b, Context));

    /// <summary>The remainder in [0, |m|), whatever the signs.</summary>
    public BigNum Mod(BigNum modulus) => Binary(modulus, static (r, a, m) => LibCrypto.BnNnMod(r, a, m, Context));

    /// <summary>this·b mod m.</summary>
    public BigNum ModMultiply(BigNum b, BigNum modulus) =>
        Ternary(b, modulus, static (r, x, y, m) => LibCrypto.BnModMul(r, x, y, m, Context));

    /// <summary>The inverse modulo <paramref name="modulus"/>, or null if there is none.</summary>
    public BigNum? ModInverse(BigNum modulus)
    {
        BigNum r = New();
        nint result = LibCrypto.BnModInverse(r.handle, handle, modulus.handle, Context);
        GC.KeepAlive(this);
        GC.KeepAlive(modulus);
        if (result == 0)
        {
            r.Dispose();
            return null;
        }

        return r;
    }

    /// <summary>this^exponent mod m for PUBLIC exponents (variable time); m must be positive.</summary>
    public BigNum ModPowPublic(BigNum exponent, BigNum modulus) =>
        Ternary(exponent, modulus, static (r, x, p, m) => LibCrypto.BnModExp(r, x, p, m, Context));

    public BigNum Negate()
    {
        BigNum r = Copy();
        LibCrypto.BnSetNegative(r.handle, IsNegative || IsZero ? 0 : 1);
        return r;
    }

    public BigNum Copy()
    {
        BigNum r = New();
        Check(LibCrypto.BnCopy(r.handle, handle));
        GC.KeepAlive(this);
        return r;
    }

    public int CompareTo(BigNum? other)
    {
        if (other is null)
        {
            return 1;
        }

        int c = LibCrypto.BnCmp(handle, other.handle);
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return Math.Sign(c);
    }

    public int CompareTo(ulong value)
    {
        using BigNum v = FromUInt64(value);
        return CompareTo(v);
    }

    public bool Equals(BigNum? other) => other is not null && CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is BigNum other && Equals(other);

    public override int GetHashCode()
    {
        // Allocates: only the configuration's sharing caches hash numbers.
        var hash = new HashCode();
        hash.AddBytes(ToBigEndian());
        hash.Add(IsNegative);
        return hash.ToHashCode();
    }

    protected override bool ReleaseHandle()
    {
        LibCrypto.BnClearFree(handle);
        return true;
    }

    internal static BigNum New() => new(Check(LibCrypto.BnNew()));

    private BigNum Binary(BigNum other, Func<nint, nint, nint, int> op)
    {
        BigNum r = New();
        Check(op(r.handle, handle, other.handle));
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return r;
    }

    private BigNum Ternary(BigNum b, BigNum c, Func<nint, nint, nint, nint, int> op)
    {
        BigNum r = New();
        Check(op(r.handle, handle, b.handle, c.handle));
        GC.KeepAlive(this);
        GC.KeepAlive(b);
        GC.KeepAlive(c);
        return r;
    }

    // Reads a property's native answer while keeping this number alive across the call.
    private int Read(int value)
    {
        GC.KeepAlive(this);
        return value;
    }

    internal static int Check(int ok) =>
        ok != 0 ? ok : throw new CryptographicException("OpenSSL big-number operation failed");

    internal static nint Check(nint pointer) =>
        pointer != 0 ? pointer : throw new CryptographicException("OpenSSL big-number allocation failed");
}
