using System.Numerics;

namespace Secnet.Crypto;

/// <summary>secnet's PKCS#1-v1.5-like padding without DigestInfo (crypto.md §8.3). It is
/// defined on the modulus's hex digits, so for an odd digit count the pattern is shifted by
/// half a byte relative to byte-aligned PKCS#1; building it arithmetically keeps that exact.</summary>
public static class RsaMessageRepresentative
{
    /// <summary>Number of hex digits GMP prints for <paramref name="modulus"/>.</summary>
    public static long HexDigits(BigInteger modulus)
    {
        long bits = (long)BigInteger.Abs(modulus).GetBitLength();
        return bits == 0 ? 1 : (bits + 3) / 4;
    }

    /// <summary>False where secnet would die with "rsa: message too big".</summary>
    public static bool Fits(BigInteger modulus, int digestLength) =>
        (2L * digestLength) + 6 < HexDigits(modulus);

    /// <summary>"0001" ‖ "f"×(h−2·len−6) ‖ "00" ‖ hex(D) read as an integer.</summary>
    public static BigInteger Build(BigInteger modulus, ReadOnlySpan<byte> digest)
    {
        long h = HexDigits(modulus);
        int digestDigits = 2 * digest.Length;
        int fillDigits = checked((int)(h - digestDigits - 6));
        BigInteger leadingOne = BigInteger.One << checked((int)(4 * (h - 4)));
        BigInteger fill = ((BigInteger.One << (4 * fillDigits)) - 1) << (4 * (digestDigits + 2));
        return leadingOne + fill + BigIntHex.FromBigEndian(digest);
    }
}
