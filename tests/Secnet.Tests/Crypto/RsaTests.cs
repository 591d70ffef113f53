using System.Numerics;
using System.Text;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public class RsaTests
{
    // Public moduli of secnet's test-example keys (its `sites` file), used by the captures.
    internal const string InsideModulus =
        "130064631890186713927887504218626486455931306300999583387009075747001546036643522074275473238061323169592347601185592753550279410171535737146240085267000508853176463710554801101055212967131924064664249613912656320653505750073021702169423354903540699008756137338575553686987244488914481168225136440872431691669";

    internal const string OutsideModulus =
        "129251483458784900555621175262818292872587807329014927540074484804119474262261383244074013537736576331652560727149001626325243856012659665194546933097292703586821422085819615124517093786704646988649444946154384037948502112302285511195679291084694375811092516151263088200304199780052361048758446082354317801941";

    // crypto.md §8.4 worked example: inside key, data "abc", sha1.
    private const string AbcSignature =
        "6ca4fe474d9b6468e21d84805c55eef735a6be28a1278728f0b95f9ea788fa1748cea76000f0a6be1b7dd008d9759b0e1ee9c4ff5312f4e23d113763b4c0d0fe14570f86392ad30b58bdd77f205eb90847983d9155a95d4a7ecb19562c08ef5fb834dd72f8015810bb5c068f164e898f83d81b33fc8a43986ed4a68f095468c6";

    internal static RsaPublicKey Public(string e, string n, IHashAlgorithm? hash = null)
    {
        Assert.True(RsaPublicKey.TryCreate(e, n, hash ?? Sha1Hash.Instance, out RsaPublicKey? key, out string? error), error);
        return key!;
    }

    [Fact]
    public void WorkedExampleRepresentativeAndSignature()
    {
        RsaPublicKey inside = Public("65537", InsideModulus);
        byte[] digest = new byte[20];
        Sha1Hash.Instance.Hash("abc"u8, digest);
        using BigNum m = RsaMessageRepresentative.Build(inside.Modulus, digest);
        Assert.Equal("1" + string.Concat(Enumerable.Repeat("ff", 105)) + "00a9993e364706816aba3e25717850c26c9cd0d89d", BigIntHex.ToHex(m));
        Assert.True(inside.Verify("abc"u8, Encoding.ASCII.GetBytes(AbcSignature)));
        Assert.True(inside.Verify("abc"u8, Encoding.ASCII.GetBytes(AbcSignature.ToUpperInvariant())));
        Assert.False(inside.Verify("abd"u8, Encoding.ASCII.GetBytes(AbcSignature)));
        Assert.False(Public("65537", OutsideModulus).Verify("abc"u8, Encoding.ASCII.GetBytes(AbcSignature)));
        Assert.False(Public("65537", InsideModulus, Md5Hash.Instance).Verify("abc"u8, Encoding.ASCII.GetBytes(AbcSignature)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("0x1234")]
    [InlineData("-")]
    public void GarbageSignaturesAreRejectedWithoutThrowing(string signature) =>
        Assert.False(Public("65537", InsideModulus).Verify("abc"u8, Encoding.ASCII.GetBytes(signature)));

    [Theory]
    [InlineData("+5", "123", "public exponent \"+5\" is not a decimal number string")]
    [InlineData("", "123", "public exponent \"\" is not a decimal number string")]
    [InlineData("65537", "-", "modulus \"-\" is not a decimal number string")]
    [InlineData("65537", "12a", "modulus \"12a\" is not a decimal number string")]
    [InlineData("65537", "0x12", "modulus \"0x12\" is not a decimal number string")]
    [InlineData("65537", "- 123", "modulus \"- 123\" is not a decimal number string")]
    public void BadPublicKeyNumbers(string e, string n, string expected)
    {
        Assert.False(RsaPublicKey.TryCreate(e, n, Sha1Hash.Instance, out RsaPublicKey? key, out string? error));
        Assert.Null(key);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(" 123", 123)]
    [InlineData("1 2 3", 123)]
    [InlineData("-123", -123)]
    [InlineData("123 ", 123)]
    [InlineData("1\t2", 12)]
    public void DecimalParsingFollowsGmp(string n, int expected) =>
        Assert.Equal(new BigInteger(expected), Public("65537", n).Modulus.ToBigInteger());

    [Fact]
    public void ImplausiblyLargeNumbers()
    {
        string big = (BigInteger.One << (2048 * 8)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string justFits = ((BigInteger.One << (2048 * 8)) - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(RsaPublicKey.TryCreate(big, "123", Sha1Hash.Instance, out _, out string? error));
        Assert.Equal("implausibly large public exponent", error);
        Assert.False(RsaPublicKey.TryCreate("3", big, Sha1Hash.Instance, out _, out error));
        Assert.Equal("implausibly large modulus", error);
        Assert.True(RsaPublicKey.TryCreate("3", justFits, Sha1Hash.Instance, out _, out _));
    }

    [Fact]
    public void ModulusTooSmallForTheDigestNeverVerifies()
    {
        // sha1 needs more than 46 hex digits; secnet would die, we refuse.
        RsaPublicKey tiny = Public("3", "123");
        Assert.False(tiny.Verify("abc"u8, "1"u8));
        Assert.False(RsaMessageRepresentative.Fits(tiny.Modulus, 20));
        Assert.True(RsaMessageRepresentative.Fits((BigInteger.One << 184).ToBigNum(), 20));
        Assert.False(RsaMessageRepresentative.Fits(((BigInteger.One << 184) - 1).ToBigNum(), 20));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(1025)] // odd number of hex digits: the padding is shifted by a nibble
    [InlineData(1026)]
    [InlineData(1027)]
    [InlineData(1028)]
    public void SignaturesMatchAnIndependentRawRsa(int bits)
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.ValueOf(65537), new SecureRandom(), bits, 12));
        var bcKey = (RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private;
        RsaPrivateKey key = FromBouncyCastle(bcKey, "bc", Sha1Hash.Instance);
        byte[] message = Encoding.ASCII.GetBytes($"message for a {bits}-bit key");
        byte[] signature = key.Sign(message);
        string hex = Encoding.ASCII.GetString(signature);
        Assert.Equal(hex.ToLowerInvariant(), hex);
        Assert.NotEqual('0', hex[0]);

        // Independent check: raw RSA public operation in BouncyCastle, representative built
        // as the hex string the spec describes.
        long h = RsaMessageRepresentative.HexDigits(key.Modulus);
        byte[] digest = System.Security.Cryptography.SHA1.HashData(message);
        string expectedHex = "0001" + new string('f', (int)(h - 46)) + "00" + Convert.ToHexStringLower(digest);
        Assert.Equal(h, expectedHex.Length);
        var engine = new RsaEngine();
        engine.Init(false, new RsaKeyParameters(false, bcKey.Modulus, bcKey.PublicExponent));
        byte[] sigBytes = Convert.FromHexString(hex.Length % 2 == 0 ? hex : "0" + hex);
        byte[] recovered = engine.ProcessBlock(sigBytes, 0, sigBytes.Length);
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(expectedHex, 16), new Org.BouncyCastle.Math.BigInteger(1, recovered));
        Assert.True(key.PublicKey.Verify(message, signature));
    }

    [Fact]
    public void SigningIsDeterministicDespiteBlinding()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(Org.BouncyCastle.Math.BigInteger.ValueOf(65537), new SecureRandom(), 1024, 12));
        RsaPrivateKey key = FromBouncyCastle((RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private, "c", Md5Hash.Instance);
        Assert.Equal(key.Sign("x"u8), key.Sign("x"u8));
        Assert.True(key.PublicKey.Verify("x"u8, key.Sign("x"u8)));
        Assert.True(key.DigestFits);
    }

    internal static RsaPrivateKey FromBouncyCastle(RsaPrivateCrtKeyParameters k, string comment, IHashAlgorithm hash)
    {
        static BigInteger B(Org.BouncyCastle.Math.BigInteger v) => BigInteger.Parse("0" + v.ToString(16), System.Globalization.NumberStyles.HexNumber, null);
        BigInteger p = B(k.P), q = B(k.Q);
        if (p < q)
        {
            (p, q) = (q, p);
        }

        BigInteger iqmp = B(new Org.BouncyCastle.Math.BigInteger(q.ToString("x", null), 16).ModInverse(new Org.BouncyCastle.Math.BigInteger(p.ToString("x", null), 16)));
        var components = new Ssh1PrivateKeyComponents((uint)k.Modulus.BitLength, B(k.Modulus).ToBigNum(), B(k.PublicExponent).ToBigNum(), comment, B(k.Exponent).ToBigNum(), iqmp.ToBigNum(), q.ToBigNum(), p.ToBigNum());
        byte[] file = Ssh1PrivateKeyWriter.Encode(components, [7, 9]);
        Assert.True(Ssh1PrivateKeyParser.TryParse(file, out Ssh1PrivateKeyComponents? parsed, out string? error), error);
        Assert.Equal(components, parsed);
        string path = Path.Combine(Path.GetTempPath(), $"asymcrypto-{Guid.NewGuid():N}.key");
        try
        {
            File.WriteAllBytes(path, file);
            Assert.True(Ssh1PrivateKeyFile.TryLoad(path, true, hash, out RsaPrivateKey? key, out error), error);
            return key!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
