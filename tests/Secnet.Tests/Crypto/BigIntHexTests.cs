using System.Globalization;
using System.Numerics;
using Secnet.Crypto;

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
        Assert.True(BigIntHex.TryParseHex(text, out BigInteger value));
        Assert.Equal(new BigInteger(expected), value);
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

    [Fact]
    public void LongNumbersRoundTripOnStackAndPooledPaths()
    {
        var rng = new Random(7);
        foreach (int bytes in new[] { 1, 20, 256, 512, 700, 2048 })
        {
            var b = new byte[bytes];
            rng.NextBytes(b);
            var expected = new BigInteger(b, isUnsigned: true);
            Assert.True(BigIntHex.TryParseDecimal(expected.ToString(CultureInfo.InvariantCulture), out BigInteger dec));
            Assert.Equal(expected, dec);
            Assert.True(BigIntHex.TryParseHex(BigIntHex.ToHex(expected), out BigInteger hex));
            Assert.Equal(expected, hex);
            Assert.True(BigIntHex.TryParseHex(System.Text.Encoding.ASCII.GetBytes(BigIntHex.ToHex(expected)), out hex));
            Assert.Equal(expected, hex);
        }
    }
}
