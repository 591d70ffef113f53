namespace Secnet.Crypto;

/// <summary>secnet's PKCS#1-v1.5-like padding without DigestInfo (crypto.md §8.3). It is
/// defined on the modulus's hex digits, so for an odd digit count the pattern is shifted by
/// half a byte relative to byte-aligned PKCS#1; building it as those hex digits keeps that exact.</summary>
public static class RsaMessageRepresentative
{
    /// <summary>Number of hex digits GMP prints for <paramref name="modulus"/>.</summary>
    public static long HexDigits(BigNum modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        long bits = modulus.BitLength;
        return bits == 0 ? 1 : (bits + 3) / 4;
    }

    /// <summary>False where secnet would die with "rsa: message too big".</summary>
    public static bool Fits(BigNum modulus, int digestLength) =>
        (2L * digestLength) + 6 < HexDigits(modulus);

    /// <summary>"0001" ‖ "f"×(h−2·len−6) ‖ "00" ‖ hex(D) read as an integer.</summary>
    public static BigNum Build(BigNum modulus, ReadOnlySpan<byte> digest)
    {
        int h = checked((int)HexDigits(modulus));
        int digestDigits = 2 * digest.Length;
        int fillDigits = h - digestDigits - 6;
        if (fillDigits < 0)
        {
            throw new ArgumentException("modulus too small for the digest", nameof(modulus));
        }

        // h - 2 digits: the leading "00" contributes nothing to the value.
        Span<byte> text = h <= 2048 ? stackalloc byte[h - 2] : new byte[h - 2];
        int at = 0;
        text[at++] = (byte)'0';
        text[at++] = (byte)'1';
        text.Slice(at, fillDigits).Fill((byte)'f');
        at += fillDigits;
        text[at++] = (byte)'0';
        text[at++] = (byte)'0';
        foreach (byte b in digest)
        {
            text[at++] = Hex(b >> 4);
            text[at++] = Hex(b & 0xf);
        }

        return BigNum.FromDigits(text, hex: true, negative: false);
    }

    private static byte Hex(int nibble) => (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
}
