using System.Numerics;
using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

public class MontgomeryModPowTests
{
    // RFC 3526 group 14 (2048 bits): the size of a real DH modulus.
    private const string Modp2048 =
        "00FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

    private static BigInteger Random(Random rng, int bytes)
    {
        var b = new byte[bytes];
        rng.NextBytes(b);
        return new BigInteger(b, isUnsigned: true);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(64)]
    [InlineData(129)]
    [InlineData(256)]
    public void AgreesWithBigIntegerModPowForOddModuli(int modulusBytes)
    {
        var rng = new Random(modulusBytes);
        for (int i = 0; i < 20; i++)
        {
            BigInteger n = Random(rng, modulusBytes) | BigInteger.One;
            if (n.IsOne)
            {
                n = 3;
            }

            BigInteger value = Random(rng, modulusBytes + 3);
            BigInteger exponent = Random(rng, 1 + (i % 4 == 0 ? 0 : modulusBytes));
            Assert.Equal(BigInteger.ModPow(value, exponent, n), MontgomeryModPow.ModPow(value, exponent, n));
        }
    }

    [Fact]
    public void HandlesEdgeValues()
    {
        BigInteger p = BigInteger.Parse(Modp2048, System.Globalization.NumberStyles.HexNumber);
        BigInteger pMinusOne = p - 1;
        Assert.Equal(BigInteger.One, MontgomeryModPow.ModPow(5, 0, p));
        Assert.Equal(BigInteger.Zero, MontgomeryModPow.ModPow(0, 7, p));
        Assert.Equal(BigInteger.Zero, MontgomeryModPow.ModPow(p, 3, p));
        // Fermat: p is prime, so a^(p-1) = 1; (p-1)^odd = p-1 exercises values next to the modulus.
        Assert.Equal(BigInteger.One, MontgomeryModPow.ModPow(2, pMinusOne, p));
        Assert.Equal(pMinusOne, MontgomeryModPow.ModPow(pMinusOne, 3, p));
        Assert.Equal(BigInteger.ModPow(-7, 5, p) + p, MontgomeryModPow.ModPow(-7, 5, p));
    }

    [Fact]
    public void RefusesModuliMontgomeryCannotUse()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MontgomeryModPow.ModPow(2, 3, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => MontgomeryModPow.ModPow(2, 3, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MontgomeryModPow.ModPow(2, -1, 7));
    }
}
