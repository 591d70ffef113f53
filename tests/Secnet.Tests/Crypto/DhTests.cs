using System.Numerics;
using Secnet.Crypto;

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
        Assert.Equal(new BigInteger(0x17), Create("1 7", "2").Modulus);
        Assert.Equal(Create(Oakley1024, "2").Modulus, Create(Oakley1024.ToLowerInvariant(), "2").Modulus);
        Assert.Equal(new BigInteger(0x17), Create("  \t17", "2").Modulus);
        Assert.Equal("\"- 17\" is not a hex number string", Error("- 17", "2"));
    }

    [Fact]
    public void PrimalityCheckCanBeDisabled()
    {
        DiffieHellmanGroup group = Create("15", "2", check: false);
        Assert.Equal(new BigInteger(0x15), group.Modulus);
        // Carmichael number 561 and a product of two large primes are composite too.
        Assert.Equal("modulus must be a prime", Error(561.ToString("x", null), "2"));
        BigInteger composite = BigInteger.Parse("170141183460469231731687303715884105727", null) * 1000003;
        Assert.Equal("modulus must be a prime", Error(BigIntHex.ToHex(composite), "2"));
    }

    [Fact]
    public void LengthsComeFromModulusBits()
    {
        DiffieHellmanGroup oakley = Create(Oakley1024, "2");
        Assert.Equal(128, oakley.SecretLength);
        Assert.Equal(128, oakley.CeilLength);
        // 2^127 - 1 is prime with 127 bits: floor 15, ceil 16.
        DiffieHellmanGroup m127 = Create(BigIntHex.ToHex((BigInteger.One << 127) - 1), "3");
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
        BigInteger expected = BigInteger.ModPow(2, BigIntHex.FromBigEndian(secret), oakley.Modulus);
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
        Assert.True(oakley.TryMakeShared(a, System.Text.Encoding.ASCII.GetBytes(System.Text.Encoding.ASCII.GetString(pubB).ToUpperInvariant()), k1));
        Assert.True(oakley.TryMakeShared(b, pubA, k2));
        Assert.Equal(k1, k2);
        Assert.False(oakley.TryMakeShared(a, "not hex"u8, k1));
        Assert.False(oakley.TryMakeShared(a, ""u8, k1));
    }
}
