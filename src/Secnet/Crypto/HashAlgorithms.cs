using System.Text;

namespace Secnet.Crypto;

/// <summary>The <c>md5</c> HASH closure value (crypto.md §7).</summary>
public sealed class Md5Hash : IHashAlgorithm
{
    public static readonly Md5Hash Instance = new();

    private Md5Hash()
    {
    }

    public string Name => "md5";

    public int Length => MessageDigest.Md5Length;

    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => MessageDigest.Md5(data, destination);

    /// <summary>secnet's startup self-test; on failure the caller logs
    /// <see cref="HashSelfTest.FailureMessage"/> fatally.</summary>
    public bool SelfTest() => HashSelfTest.Passes(this, "12345\n", "d577273ff885c3f84dadb8578bb41399");
}

/// <summary>The <c>sha1</c> HASH closure value and secnet 0.6.7's default signature hash.</summary>
public sealed class Sha1Hash : IHashAlgorithm
{
    public static readonly Sha1Hash Instance = new();

    private Sha1Hash()
    {
    }

    public string Name => "sha1";

    public int Length => MessageDigest.Sha1Length;

    public void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => MessageDigest.Sha1(data, destination);

    public bool SelfTest() => HashSelfTest.Passes(this,
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

/// <summary>The known-answer tests secnet runs when its hash modules start.</summary>
public static class HashSelfTest
{
    /// <summary>secnet's fatal text for a failed self-test, e.g. "sha1 module failed self-test".</summary>
    public static string FailureMessage(IHashAlgorithm hash) => $"{hash.Name} module failed self-test";

    /// <summary>Runs the self-test of every built-in hash; null when all pass, otherwise
    /// the fatal message of the first that fails.</summary>
    public static string? RunAll()
    {
        if (!Md5Hash.Instance.SelfTest())
        {
            return FailureMessage(Md5Hash.Instance);
        }

        return Sha1Hash.Instance.SelfTest() ? null : FailureMessage(Sha1Hash.Instance);
    }

    internal static bool Passes(IHashAlgorithm hash, string input, string expectedHex)
    {
        Span<byte> digest = stackalloc byte[hash.Length];
        hash.Hash(Encoding.ASCII.GetBytes(input), digest);
        return Convert.ToHexStringLower(digest) == expectedHex;
    }
}
