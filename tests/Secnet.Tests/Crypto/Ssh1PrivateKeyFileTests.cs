using System.Buffers.Binary;
using System.Numerics;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public sealed class Ssh1PrivateKeyFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asymcrypto-ssh1-").FullName;
    private readonly byte[] _alpha = File.ReadAllBytes(RepoPaths.Vector("kex-example", "alpha.key"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Offsets of each field in a key file, found by walking it.</summary>
    private static Dictionary<string, int> Layout(byte[] file)
    {
        var at = new Dictionary<string, int> { ["cipher"] = 33, ["reserved"] = 34, ["bits"] = 38 };
        int pos = 42;
        void Mpint(string name)
        {
            at[name] = pos;
            pos += 2 + ((BinaryPrimitives.ReadUInt16BigEndian(file.AsSpan(pos)) + 7) / 8);
        }

        Mpint("n");
        Mpint("e");
        at["comment"] = pos;
        pos += 4 + (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(pos));
        at["check"] = pos;
        pos += 4;
        foreach (string name in new[] { "d", "iqmp", "q", "p" })
        {
            Mpint(name);
        }

        at["end"] = pos;
        return at;
    }

    private string Write(byte[] contents)
    {
        string path = Path.Combine(_dir, $"k{Guid.NewGuid():N}");
        File.WriteAllBytes(path, contents);
        return path;
    }

    private string? LoadError(byte[] contents, bool check = true)
    {
        Ssh1LoadOutcome outcome = Ssh1PrivateKeyFile.Load(Write(contents), check, Sha1Hash.Instance, out RsaPrivateKey? key, out string? error);
        Assert.Equal(outcome == Ssh1LoadOutcome.Loaded, key is not null);
        Assert.NotEqual(Ssh1LoadOutcome.CannotOpen, outcome);
        return error;
    }

    [Fact]
    public void LoadsTheKexExampleKey()
    {
        string path = RepoPaths.Vector("kex-example", "alpha.key");
        Assert.True(Ssh1PrivateKeyFile.TryLoad(path, true, Sha1Hash.Instance, out RsaPrivateKey? key, out string? error), error);
        string[] pub = File.ReadAllText(path + ".pub").Trim().Split(' ');
        Assert.Equal("alpha@kex-example", key!.Comment);
        Assert.Equal(1024u, key.FileKeyBits);
        Assert.Equal(long.Parse(pub[0], null), key.ModulusBits);
        Assert.Equal(BigInteger.Parse(pub[1], null), key.PublicExponent.ToBigInteger());
        Assert.Equal(BigInteger.Parse(pub[2], null), key.Modulus.ToBigInteger());
        Assert.Equal(pub[2], key.Modulus.ToDecimalString());
        Assert.True(key.PublicKey.Verify("hello"u8, key.Sign("hello"u8)));
    }

    // Every text below was produced by Debian's secnet 0.6.7 for the same corruption.
    [Theory]
    [InlineData("n", 0xffff, "implausible length 8192 for modulus")]
    [InlineData("e", 0xffff, "implausible length 8192 for e")]
    [InlineData("d", 0x4008, "implausibly long (2049) decryption key")]
    [InlineData("iqmp", 0x4008, "implausibly long (2049) iqmp auxiliary value")]
    [InlineData("q", 0x4008, "implausibly long (2049) q value")]
    [InlineData("p", 0x4008, "implausibly long (2049) p value")]
    [InlineData("n", 0, "error reading modulus")]
    [InlineData("d", 0, "error reading decryption key")]
    public void ImplausibleOrEmptyMpints(string field, int bits, string expected)
    {
        byte[] file = (byte[])_alpha.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(Layout(file)[field]), (ushort)bits);
        Assert.Equal(expected, LoadError(file));
    }

    [Theory]
    [InlineData(1025u, "implausibly long (1025) key comment")]
    [InlineData(1024u, "error reading key comment")]
    [InlineData(0u, "error reading key comment")]
    public void CommentLength(uint length, string expected)
    {
        byte[] file = (byte[])_alpha.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(Layout(file)["comment"]), length);
        Assert.Equal(expected, LoadError(file));
    }

    [Fact]
    public void HeaderChecks()
    {
        byte[] file = (byte[])_alpha.Clone();
        file[0] ^= 1;
        Assert.Equal("failed to read magic ID string from SSH1 private keyfile", LoadError(file));
        file = (byte[])_alpha.Clone();
        file[32] = 1; // the NUL after the magic line
        Assert.Equal("failed to read magic ID string from SSH1 private keyfile", LoadError(file));
        file = (byte[])_alpha.Clone();
        file[33] = 3;
        Assert.Equal("we don't support encrypted keyfiles", LoadError(file));
        file = (byte[])_alpha.Clone();
        file[Layout(file)["check"] + 1] ^= 1;
        Assert.Equal("corrupt keyfile", LoadError(file));
        Assert.Equal("failed to read magic ID string from SSH1 private keyfile", LoadError("not a key\n"u8.ToArray()));
    }

    [Fact]
    public void ConsistencyCheckCanBeSkipped()
    {
        byte[] file = (byte[])_alpha.Clone();
        file[Layout(file)["p"] + 40] ^= 1;
        Assert.Equal("file does not contain a valid RSA key!", LoadError(file));
        Assert.Null(LoadError(file, check: false));
        foreach (string field in new[] { "e", "d", "iqmp", "q", "n" })
        {
            file = (byte[])_alpha.Clone();
            file[Layout(file)[field] + 2] ^= 0x10;
            Assert.Equal("file does not contain a valid RSA key!", LoadError(file));
        }
    }

    [Fact]
    public void TruncationAtEveryLengthGivesAnError()
    {
        Dictionary<string, int> at = Layout(_alpha);
        // 0.6.7's text for a file ending inside each variable-length field (verified).
        var midField = new Dictionary<string, string>
        {
            ["n"] = "error reading modulus", ["e"] = "error reading e", ["comment"] = "error reading key comment",
            ["d"] = "error reading decryption key", ["iqmp"] = "error reading decryption key",
            ["q"] = "error reading q value", ["p"] = "error reading p value",
        };
        for (int length = 0; length < at["end"]; length++)
        {
            string? error = LoadError(_alpha[..length]);
            Assert.NotNull(error);
            foreach ((string field, string text) in midField)
            {
                int start = at[field] + (field == "comment" ? 4 : 2);
                if (length > start && length < NextFieldStart(at, field))
                {
                    Assert.Equal(text, error);
                }
            }
        }

        Assert.Null(LoadError(_alpha[..at["end"]])); // padding is not read
    }

    private static int NextFieldStart(Dictionary<string, int> at, string field) =>
        at.Values.Where(v => v > at[field]).Min();

    [Fact]
    public void RandomCorruptionNeverThrows()
    {
        var random = new Random(1234);
        for (int i = 0; i < 300; i++)
        {
            byte[] file = (byte[])_alpha.Clone();
            for (int flips = random.Next(1, 4); flips > 0; flips--)
            {
                file[random.Next(file.Length)] = (byte)random.Next(256);
            }

            Ssh1PrivateKeyParser.TryParse(file, out _, out _);
            LoadError(file, check: random.Next(2) == 0);
        }
    }

    [Fact]
    public void UnopenableFiles()
    {
        string missing = Path.Combine(_dir, "none.key");
        Assert.Equal(Ssh1LoadOutcome.CannotOpen, Ssh1PrivateKeyFile.Load(missing, true, Sha1Hash.Instance, out _, out string? error));
        Assert.Equal("No such file or directory", error);
        Assert.False(Ssh1PrivateKeyFile.TryLoad(missing, true, Sha1Hash.Instance, out RsaPrivateKey? key, out error));
        Assert.Null(key);
        Assert.Equal($"cannot open file \"{missing}\": No such file or directory", error);
        // open(2) succeeds on a directory and the read fails, as in secnet.
        Assert.Equal(Ssh1LoadOutcome.Invalid, Ssh1PrivateKeyFile.Load(_dir, true, Sha1Hash.Instance, out _, out error));
        Assert.Equal("failed to read magic ID string from SSH1 private keyfile", error);
    }

    [Fact]
    public void WriterRoundTripsTheExampleKey()
    {
        Assert.True(Ssh1PrivateKeyParser.TryParse(_alpha, out Ssh1PrivateKeyComponents? parsed, out _));
        Dictionary<string, int> at = Layout(_alpha);
        byte[] check = _alpha.AsSpan(at["check"], 2).ToArray();
        Assert.Equal(_alpha, Ssh1PrivateKeyWriter.Encode(parsed!, check));
    }
}
