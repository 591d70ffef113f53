using System.Numerics;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public class DhTests
{
    // RFC 2409 group 2 (the kex example's group), 1024 bits.
    internal const string Oakley1024 =
        "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

    private static DiffieHellmanGroup Create(string p, string g, bool check = true)
    {
        Assert.True(DiffieHellmanGroup.TryCreate(p, g, check, out DiffieHellmanGroup? group, out string? error), error);
        return group!;
    }

    private static string Error(string p, string g, bool check = true)
    {
        Assert.False(DiffieHellmanGroup.TryCreate(p, g, check, out DiffieHellmanGroup? group, out string? error));
        Assert.Null(group);
        return error!;
    }

    [Theory]
    [InlineData("xyz", "2", "\"xyz\" is not a hex number string")]
    [InlineData("17", "x", "\"x\" is not a hex number string")]
    [InlineData("0x17", "2", "\"0x17\" is not a hex number string")]
    [InlineData("", "2", "\"\" is not a hex number string")]
    [InlineData("15", "2", "modulus must be a prime")]
    [InlineData("17", "17", "generator must be less than modulus")]
    [InlineData("17", "18", "generator must be less than modulus")]
    public void InvalidGroupsGiveSecnetsMessages(string p, string g, string expected) =>
        Assert.Equal(expected, Error(p, g));

    [Fact]
    public void HexParsingFollowsGmp()
    {
        // GMP skips white space between digits and takes either case.
        Assert.Equal(new BigInteger(0x17), Create("1 7", "2").Modulus.ToBigInteger());
        Assert.Equal(Create(Oakley1024, "2").Modulus, Create(Oakley1024.ToLowerInvariant(), "2").Modulus);
        Assert.Equal(new BigInteger(0x17), Create("  \t17", "2").Modulus.ToBigInteger());
        Assert.Equal("\"- 17\" is not a hex number string", Error("- 17", "2"));
    }

    [Fact]
    public void PrimalityCheckCanBeDisabled()
    {
        DiffieHellmanGroup group = Create("15", "2", check: false);
        Assert.Equal(new BigInteger(0x15), group.Modulus.ToBigInteger());
        // Carmichael number 561 and a product of two large primes are composite too.
        Assert.Equal("modulus must be a prime", Error(561.ToString("x", null), "2"));
        BigInteger composite = BigInteger.Parse("170141183460469231731687303715884105727", null) * 1000003;
        Assert.Equal("modulus must be a prime", Error(BigIntHex.ToHex(composite.ToBigNum()), "2"));
    }

    [Fact]
    public void LengthsComeFromModulusBits()
    {
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        Assert.Equal(128, oakley.SecretLength);
        Assert.Equal(128, oakley.CeilLength);
        // 2^127 - 1 is prime with 127 bits: floor 15, ceil 16.
        DiffieHellmanGroup m127 = Create(BigIntHex.ToHex(((BigInteger.One << 127) - 1).ToBigNum()), "3");
        Assert.Equal(15, m127.SecretLength);
        Assert.Equal(16, m127.CeilLength);
    }

    [Fact]
    public void PublicValueIsLowerCaseHexWithoutLeadingZeros()
    {
        DiffieHellmanGroup group = Create("17", "2"); // p = 23
        // 2^5 mod 23 = 9: a single digit, no padding.
        Assert.Equal("9"u8.ToArray(), group.MakePublic([5]));
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        byte[] secret = Enumerable.Repeat((byte)0x11, 128).ToArray();
        string pub = System.Text.Encoding.ASCII.GetString(oakley.MakePublic(secret));
        BigInteger expected = BigInteger.ModPow(2, new BigInteger(secret, isUnsigned: true, isBigEndian: true), oakley.Modulus.ToBigInteger());
        Assert.Equal(expected, BigInteger.Parse("0" + pub, System.Globalization.NumberStyles.HexNumber, null));
        Assert.Equal(pub.ToLowerInvariant(), pub);
        Assert.NotEqual('0', pub[0]);
    }

    [Fact]
    public void SharedKeyPadsShortSecretsAtTheEnd()
    {
        Span<byte> key = stackalloc byte[6];
        key.Fill(0xee);
        DiffieHellmanGroup.WriteAnomalousKeyBytes([0x41, 0x92, 0x99], key);
        Assert.Equal(new byte[] { 0x41, 0x92, 0x99, 0, 0, 0 }, key.ToArray());
        DiffieHellmanGroup.WriteAnomalousKeyBytes([1, 2, 3, 4, 5, 6, 7, 8], key);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6 }, key.ToArray());
    }

    [Fact]
    public void SharedKeyAcceptsPeerHexInAnyCaseAndRejectsGarbage()
    {
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        byte[] a = Enumerable.Repeat((byte)0x5a, 128).ToArray();
        byte[] b = Enumerable.Repeat((byte)0xa5, 128).ToArray();
        byte[] pubA = oakley.MakePublic(a);
        byte[] pubB = oakley.MakePublic(b);
        byte[] k1 = new byte[128];
        byte[] k2 = new byte[128];
        Assert.Equal(DhPeerValue.Accepted, oakley.MakeShared(a, System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(pubB).ToUpperInvariant()), k1));
        Assert.Equal(DhPeerValue.Accepted, oakley.MakeShared(b, pubA, k2));
        Assert.Equal(k1, k2);
        BigInteger z = BigInteger.ModPow(new BigInteger(pubB.Length > 0 ? Convert.FromHexString((pubB.Length % 2 == 1 ? "0" : "") + System.Text.Encoding.ASCII.GetString(pubB)) : [], isUnsigned: true, isBigEndian: true),
            new BigInteger(a, isUnsigned: true, isBigEndian: true), oakley.Modulus.ToBigInteger());
        byte[] expected = new byte[128];
        DiffieHellmanGroup.WriteAnomalousKeyBytes(z.ToByteArray(isUnsigned: true, isBigEndian: true), expected);
        Assert.Equal(expected, k1);
        Assert.Equal(DhPeerValue.Unparsable, oakley.MakeShared(a, "not hex"u8, k1));
        Assert.Equal(DhPeerValue.Unparsable, oakley.MakeShared(a, ""u8, k1));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("-5")]
    [InlineData("P-1")]
    [InlineData("P")]
    [InlineData("P+1")]
    [InlineData("2P+3")]
    public void PeerValuesOutsideOneToPMinusOneAreRefused(string value)
    {
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        BigInteger p = oakley.Modulus.ToBigInteger();
        BigInteger y = value switch
        {
            "P-1" => p - 1,
            "P" => p,
            "P+1" => p + 1,
            "2P+3" => (2 * p) + 3,
            _ => BigInteger.Parse(value, System.Globalization.CultureInfo.InvariantCulture),
        };
        byte[] key = Enumerable.Repeat((byte)0xee, 128).ToArray();
        Assert.Equal(DhPeerValue.OutOfRange, oakley.MakeShared(new byte[128], System.Text.Encoding.ASCII.GetBytes(BigIntHex.ToHex(y.ToBigNum())), key));
        Assert.All(key, b => Assert.Equal(0xee, b)); // nothing written
    }

    [Fact]
    public void SmallestAndLargestAcceptablePeerValues()
    {
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        BigInteger p = oakley.Modulus.ToBigInteger();
        byte[] key = new byte[128];
        Assert.Equal(DhPeerValue.Accepted, oakley.MakeShared([3], "2"u8, key));
        Assert.Equal(DhPeerValue.Accepted, oakley.MakeShared([3], System.Text.Encoding.ASCII.GetBytes(BigIntHex.ToHex((p - 2).ToBigNum())), key));
    }

    [Fact]
    public void ZeroSecretGivesOne()
    {
        // secnet takes the random bytes as they come; all zeros is a legal (if unlucky) exponent.
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        Assert.Equal("1"u8.ToArray(), oakley.MakePublic(new byte[128]));
    }
}
