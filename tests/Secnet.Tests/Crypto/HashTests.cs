using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

public class HashTests
{
    [Fact]
    public void SelfTestsPass()
    {
        Assert.True(Md5Hash.Instance.SelfTest());
        Assert.True(Sha1Hash.Instance.SelfTest());
        Assert.Null(HashSelfTest.RunAll());
        Assert.Equal("sha1 module failed self-test", HashSelfTest.FailureMessage(Sha1Hash.Instance));
    }

    [Fact]
    public void NamesAndLengthsMatchTheClosures()
    {
        Assert.Equal(("md5", 16), (Md5Hash.Instance.Name, Md5Hash.Instance.Length));
        Assert.Equal(("sha1", 20), (Sha1Hash.Instance.Name, Sha1Hash.Instance.Length));
    }

    [Theory]
    [InlineData("md5", "", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("md5", "abc", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("sha1", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d")]
    [InlineData("sha1", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    public void StandardVectors(string name, string input, string hex)
    {
        IHashAlgorithm hash = name == "md5" ? Md5Hash.Instance : Sha1Hash.Instance;
        byte[] digest = new byte[hash.Length];
        hash.Hash(System.Text.Encoding.ASCII.GetBytes(input), digest);
        Assert.Equal(hex, Convert.ToHexStringLower(digest));
    }
}
