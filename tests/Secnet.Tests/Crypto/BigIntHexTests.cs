using System.Globalization;
using System.Numerics;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public class BigIntHexTests
{
    [Theory]
    [InlineData("ff", 255)]
    [InlineData("8", 8)]
    [InlineData("-ff", -255)]
    [InlineData(" F f", 255)]
    [InlineData("0", 0)]
    public void HexDigitsEightToFAreNotASign(string text, int expected)
    {
        Assert.True(BigIntHex.TryParseHex(text, out BigNum? value));
        Assert.Equal(new BigInteger(expected), value!.ToBigInteger());
        Assert.True(BigIntHex.IsHex(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("+5")]
    [InlineData("12a")]
    [InlineData("0x12")]
    [InlineData("1-2")]
    [InlineData("١٢")] // Arabic-Indic digits: GMP knows ASCII digits only
    public void RejectsWhatGmpRejects(string text) =>
        Assert.False(BigIntHex.TryParseDecimal(text, out _));

    [Theory]
    [InlineData(0, "0")]
    [InlineData(9, "9")]
    [InlineData(0xabc, "abc")]
    [InlineData(0x1234, "1234")]
    [InlineData(-0xf0, "-f0")]
    public void PrintsLikeMpzGetStr(int value, string expected)
    {
        using BigNum n = value.ToBigNum();
        Assert.Equal(expected, BigIntHex.ToHex(n));
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(expected), BigIntHex.ToHexAscii(n));
    }

    [Fact]
    public void LongNumbersRoundTripOnStackAndPooledPaths()
    {
        var rng = new Random(7);
        foreach (int bytes in new[] { 1, 20, 256, 512, 700, 2048 })
        {
            var b = new byte[bytes];
            rng.NextBytes(b);
            var expected = new BigInteger(b, isUnsigned: true);
            Assert.True(BigIntHex.TryParseDecimal(expected.ToString(CultureInfo.InvariantCulture), out BigNum? dec));
            Assert.Equal(expected, dec!.ToBigInteger());
            Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), dec!.ToDecimalString());
            using BigNum n = expected.ToBigNum();
            Assert.True(BigIntHex.TryParseHex(BigIntHex.ToHex(n), out BigNum? hex));
            Assert.Equal(expected, hex!.ToBigInteger());
            Assert.True(BigIntHex.TryParseHex(System.Text.Encoding.ASCII.GetBytes(BigIntHex.ToHex(n)), out hex));
            Assert.Equal(expected, hex!.ToBigInteger());
            Assert.Equal(expected.ToString("x", CultureInfo.InvariantCulture).TrimStart('0'), BigIntHex.ToHex(n));
        }
    }
}
