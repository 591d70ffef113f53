using System.Globalization;
using System.Numerics;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public class DiffieHellmanPrimalityTests
{
    // RFC 3526 group 14, the usual 2048-bit DH modulus.
    private const string Modp2048 =
        "00FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

    private static BigInteger ModpValue() => BigInteger.Parse(Modp2048, NumberStyles.HexNumber);

    [Fact]
    public void AcceptsRealPrimes()
    {
        Assert.True(IsPrime(ModpValue()));
        Assert.True(IsPrime(-ModpValue()));
        Assert.True(IsPrime(BigInteger.Pow(2, 521) - 1));
        Assert.True(IsPrime(BigInteger.Pow(2, 61) - 1));
        Assert.True(IsPrime(2));
        Assert.True(IsPrime(53));
        Assert.True(IsPrime(59));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("561")]          // Carmichael number
    [InlineData("41041")]        // Carmichael number
    [InlineData("3215031751")]   // strong pseudoprime to bases 2, 3, 5 and 7: the fifth round catches it
    [InlineData("2305843009213693953")] // 2^61 + 1
    public void RejectsComposites(string n) =>
        Assert.False(IsPrime(BigInteger.Parse(n, CultureInfo.InvariantCulture)));

    [Fact]
    public void RejectsProductsOfLargePrimes()
    {
        BigInteger p = BigInteger.Pow(2, 521) - 1;
        BigInteger q = BigInteger.Pow(2, 607) - 1;
        Assert.False(IsPrime(p * q));
        Assert.False(IsPrime(ModpValue() * p));
        Assert.False(IsPrime(ModpValue() + 2));
    }

    private static bool IsPrime(BigInteger n)
    {
        using BigNum b = n.ToBigNum();
        return DiffieHellmanPrimality.IsProbablePrime(b);
    }
}
