using System.Security.Cryptography;
using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

/// <summary>libmd's digests against the BCL's (the test oracle) over every length across the
/// block boundaries, and the random source the daemon uses where no randomfile is named.</summary>
public class MessageDigestTests
{
    [Fact]
    public void EveryLengthUpTo300MatchesTheBcl()
    {
        var random = new Random(14);
        for (int length = 0; length <= 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            byte[] ours = new byte[MessageDigest.Sha512Length];
#pragma warning disable CA5350, CA5351 // the protocol's own hashes, compared with the BCL's
            MessageDigest.Md5(data, ours);
            Assert.Equal(MD5.HashData(data), ours[..MessageDigest.Md5Length]);
            MessageDigest.Sha1(data, ours);
            Assert.Equal(SHA1.HashData(data), ours[..MessageDigest.Sha1Length]);
#pragma warning restore CA5350, CA5351
            MessageDigest.Sha512(data, ours);
            Assert.Equal(SHA512.HashData(data), ours);
        }
    }

    [Fact]
    public void Sha512StandardVector()
    {
        byte[] digest = new byte[64];
        MessageDigest.Sha512("abc"u8, digest);
        Assert.Equal("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f", Convert.ToHexStringLower(digest));
    }

    [Fact]
    public void ADestinationTooShortIsRefused()
    {
        Assert.Throws<ArgumentException>(() => MessageDigest.Sha1("abc"u8, new byte[19]));
        Assert.Throws<ArgumentException>(() => MessageDigest.Sha512("abc"u8, new byte[63]));
    }

    [Fact]
    public void SystemRandomFillsAndGivesEveryHalfOfA16BitId()
    {
        byte[] a = new byte[4096], b = new byte[4096];
        SystemRandom.Fill(a);
        SystemRandom.Fill(b);
        Assert.NotEqual(a, b);
        // 4096 random bytes hold every value; a fill that left zeros would not.
        Assert.Equal(256, a.Distinct().Count());
        // Both bytes of an id are random: over 600 ids each half takes many values.
        var low = new HashSet<int>();
        var high = new HashSet<int>();
        for (int i = 0; i < 600; i++)
        {
            ushort id = SystemRandom.UInt16();
            low.Add(id & 0xff);
            high.Add(id >> 8);
        }

        Assert.True(low.Count > 200 && high.Count > 200, $"{low.Count} low and {high.Count} high byte values");
    }
}
