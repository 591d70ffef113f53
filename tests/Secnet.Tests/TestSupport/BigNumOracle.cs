using System.Numerics;
using Secnet.Crypto;

namespace Secnet.Tests.TestSupport;

/// <summary>System.Numerics.BigInteger as the tests' independent oracle for OpenSSL-backed
/// <see cref="BigNum"/> results: conversions through big-endian bytes only.</summary>
internal static class BigNumOracle
{
    public static BigNum ToBigNum(this BigInteger value)
    {
        BigNum magnitude = BigNum.FromBigEndian(BigInteger.Abs(value).ToByteArray(isUnsigned: true, isBigEndian: true));
        if (value.Sign >= 0)
        {
            return magnitude;
        }

        using (magnitude)
        {
            return magnitude.Negate();
        }
    }

    public static BigNum ToBigNum(this int value) => new BigInteger(value).ToBigNum();

    public static BigInteger ToBigInteger(this BigNum value)
    {
        var magnitude = new BigInteger(value.ToBigEndian(), isUnsigned: true, isBigEndian: true);
        return value.IsNegative ? -magnitude : magnitude;
    }
}
