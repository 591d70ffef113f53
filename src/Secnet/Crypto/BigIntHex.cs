using System.Buffers;

namespace Secnet.Crypto;

/// <summary>Big-integer text and byte conversions that behave like GMP's
/// <c>mpz_set_str</c>/<c>mpz_get_str</c>, because secnet's wire and config formats are
/// defined by what GMP accepts and prints. The syntax (GMP's white-space and sign rules) is
/// checked here; the digits are converted by OpenSSL (<see cref="BigNum"/>).</summary>
public static class BigIntHex
{
    // Moduli up to 4096 bits, in hex or decimal, are filtered on the stack.
    private const int StackDigits = 1300;

    /// <summary>Parses like <c>mpz_set_str(base 16)</c>: leading white space, one optional
    /// '-', then hex digits of either case with white space allowed between them.
    /// No "0x" prefix; at least one digit is required directly after the sign.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> text, out BigNum? value) =>
        TryParseGmp(text, 16, out value);

    /// <summary>Parses ASCII bytes (as received on the wire) like <see cref="TryParseHex(ReadOnlySpan{char}, out BigNum?)"/>.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> ascii, out BigNum? value) =>
        TryParseGmp(ascii, 16, out value);

    /// <summary>Parses like <c>mpz_set_str(base 10)</c> (same white-space and sign rules).</summary>
    public static bool TryParseDecimal(ReadOnlySpan<char> text, out BigNum? value) =>
        TryParseGmp(text, 10, out value);

    /// <summary>True if <paramref name="text"/> is a hex number string for GMP (nothing converted).</summary>
    public static bool IsHex(ReadOnlySpan<char> text) => Filter<char>(text, 16, default, out _, out _);

    /// <summary>Lower-case hex without leading zeros ("0" for zero), like
    /// <c>mpz_get_str(NULL, 16, x)</c>.</summary>
    public static string ToHex(BigNum value)
    {
        byte[] ascii = ToHexAscii(value);
        return string.Create(ascii.Length, ascii, static (chars, a) =>
        {
            for (int i = 0; i < a.Length; i++)
            {
                chars[i] = (char)a[i];
            }
        });
    }

    /// <summary><see cref="ToHex"/> as ASCII bytes, the form that goes on the wire.</summary>
    public static byte[] ToHexAscii(BigNum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.IsZero)
        {
            return "0"u8.ToArray();
        }

        byte[] magnitude = value.ToBigEndian();
        int sign = value.IsNegative ? 1 : 0;
        bool oddDigits = (magnitude[0] >> 4) == 0; // GMP prints no leading zero nibble
        byte[] ascii = new byte[sign + (2 * magnitude.Length) - (oddDigits ? 1 : 0)];
        int at = 0;
        if (sign != 0)
        {
            ascii[at++] = (byte)'-';
        }

        for (int i = 0; i < magnitude.Length; i++)
        {
            if (i > 0 || !oddDigits)
            {
                ascii[at++] = HexDigit(magnitude[i] >> 4);
            }

            ascii[at++] = HexDigit(magnitude[i] & 0xf);
        }

        return ascii;
    }

    private static bool TryParseGmp<T>(ReadOnlySpan<T> text, int radix, out BigNum? value)
        where T : unmanaged, IEquatable<T>
    {
        value = null;
        int room = text.Length + 1;
        byte[]? rented = room <= StackDigits ? null : ArrayPool<byte>.Shared.Rent(room);
        Span<byte> digits = rented is null ? stackalloc byte[StackDigits] : rented;
        try
        {
            if (!Filter(text, radix, digits, out int count, out bool negative))
            {
                return false;
            }

            value = BigNum.FromDigits(digits[..count], radix == 16, negative);
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    // GMP's syntax: the digits (white space dropped) into `digits` as ASCII. With an empty
    // `digits` span only checks.
    private static bool Filter<T>(ReadOnlySpan<T> text, int radix, Span<byte> digits, out int count, out bool negative)
        where T : unmanaged, IEquatable<T>
    {
        count = 0;
        negative = false;
        int i = 0;
        while (i < text.Length && IsCSpace(CharAt(text, i)))
        {
            i++;
        }

        if (i < text.Length && CharAt(text, i) == '-')
        {
            negative = true;
            i++;
        }

        if (i >= text.Length || DigitValue(CharAt(text, i)) >= radix)
        {
            return false;
        }

        for (; i < text.Length; i++)
        {
            char c = CharAt(text, i);
            if (IsCSpace(c))
            {
                continue;
            }

            if (DigitValue(c) >= radix)
            {
                return false;
            }

            if (!digits.IsEmpty)
            {
                digits[count] = (byte)c;
            }

            count++;
        }

        return true;
    }

    private static char CharAt<T>(ReadOnlySpan<T> text, int i)
        where T : unmanaged, IEquatable<T>
    {
        T item = text[i];
        return typeof(T) == typeof(byte) ? (char)System.Runtime.CompilerServices.Unsafe.As<T, byte>(ref item)
            : System.Runtime.CompilerServices.Unsafe.As<T, char>(ref item);
    }

    private static byte HexDigit(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

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
