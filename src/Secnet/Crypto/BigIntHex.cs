using System.Buffers;
using System.Globalization;
using System.Numerics;

namespace Secnet.Crypto;

/// <summary>Big-integer text and byte conversions that behave like GMP's
/// <c>mpz_set_str</c>/<c>mpz_get_str</c>, because secnet's wire and config formats are
/// defined by what GMP accepts and prints.</summary>
public static class BigIntHex
{
    // Moduli up to 4096 bits, in hex or decimal, are parsed from the stack.
    private const int StackDigits = 1300;

    /// <summary>Parses like <c>mpz_set_str(base 16)</c>: leading white space, one optional
    /// '-', then hex digits of either case with white space allowed between them.
    /// No "0x" prefix; at least one digit is required directly after the sign.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, out BigInteger value) =>
        TryParseGmp(text, 16, out value);

    /// <summary>Parses ASCII bytes (as received on the wire) like <see cref="TryParseHex(ReadOnlySpan{char}, out BigInteger)"/>.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> ascii, out BigInteger value)
    {
        Span<char> chars = ascii.Length <= 1024 ? stackalloc char[ascii.Length] : new char[ascii.Length];
        for (int i = 0; i < ascii.Length; i++)
        {
            chars[i] = (char)ascii[i];
        }

        return TryParseGmp(chars, 16, out value);
    }

    /// <summary>Parses like <c>mpz_set_str(base 10)</c> (same white-space and sign rules).</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out BigInteger value) =>
        TryParseGmp(text, 10, out value);

    /// <summary>Lower-case hex without leading zeros ("0" for zero), like
    /// <c>mpz_get_str(NULL, 16, x)</c> for a non-negative x.</summary>
    public static string ToHex(BigInteger value)
    {
        if (value.Sign < 0)
        {
            return "-" + ToHex(BigInteger.Negate(value));
        }

        if (value.IsZero)
        {
            return "0";
        }

        string hex = Convert.ToHexStringLower(value.ToByteArray(isUnsigned: true, isBigEndian: true));
        return hex[0] == '0' ? hex[1..] : hex;
    }

    /// <summary><see cref="ToHex"/> as ASCII bytes, the form that goes on the wire.</summary>
    public static byte[] ToHexAscii(BigInteger value)
    {
        string hex = ToHex(value);
        byte[] ascii = new byte[hex.Length];
        for (int i = 0; i < hex.Length; i++)
        {
            ascii[i] = (byte)hex[i];
        }

        return ascii;
    }

    /// <summary>Minimal big-endian magnitude (no leading zero bytes; zero gives one 0x00
    /// byte, as decoding GMP's "0" does).</summary>
    public static byte[] ToMinimalBytes(BigInteger value)
    {
        if (value.IsZero)
        {
            return [0];
        }

        return BigInteger.Abs(value).ToByteArray(isUnsigned: true, isBigEndian: true);
    }

    /// <summary>Unsigned big-endian bytes to a non-negative integer.</summary>
    public static BigInteger FromBigEndian(ReadOnlySpan<byte> bytes) =>
        new(bytes, isUnsigned: true, isBigEndian: true);

    private static bool TryParseGmp(ReadOnlySpan<char> text, int radix, out BigInteger value)
    {
        value = BigInteger.Zero;
        int i = 0;
        while (i < text.Length && IsCSpace(text[i]))
        {
            i++;
        }

        bool negative = false;
        if (i < text.Length && text[i] == '-')
        {
            negative = true;
            i++;
        }

        if (i >= text.Length || DigitValue(text[i]) >= radix)
        {
            return false;
        }

        // Digits only (white space dropped), then one BigInteger.Parse, which converts in place;
        // a multiply-and-add per chunk allocated a new number each time, about 15 KB per
        // 2048-bit modulus and most of the garbage of a 2,000-site secnet -j (bench/README.md).
        // A leading '0' stops hex digits 8-f from being read as a two's-complement sign.
        int room = text.Length - i + 1;
        char[]? rented = room <= StackDigits ? null : ArrayPool<char>.Shared.Rent(room);
        Span<char> digits = rented is null ? stackalloc char[StackDigits] : rented;
        try
        {
            int count = 0;
            if (radix == 16)
            {
                digits[count++] = '0';
            }

            for (; i < text.Length; i++)
            {
                char c = text[i];
                if (IsCSpace(c))
                {
                    continue;
                }

                if (DigitValue(c) >= radix)
                {
                    return false;
                }

                digits[count++] = c;
            }

            NumberStyles style = radix == 16 ? NumberStyles.AllowHexSpecifier : NumberStyles.None;
            BigInteger result = BigInteger.Parse(digits[..count], style, CultureInfo.InvariantCulture);
            value = negative ? BigInteger.Negate(result) : result;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // C isspace() in the "C" locale.
    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'z' => c - 'a' + 10,
        >= 'A' and <= 'Z' => c - 'A' + 10,
        _ => int.MaxValue,
    };
}
