using System.Text;
using Secnet.Config;
using Secnet.Crypto;
using Secnet.Modules;
using Secnet.Tests.Netlink;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Modules;

public sealed class CryptoModulesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("asymcrypto-modules-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ModuleRegistry Registry()
    {
        var registry = new ModuleRegistry();
        BuiltinModules.Register(registry);
        CryptoModules.Register(registry);
        // The corpus files open with a logfile system log; only its presence matters here.
        if (!registry.Contains("logfile"))
        {
            registry.Register("logfile", _ => [new ClosureItem("logfile", ClosureType.Log, null)]);
        }

        return registry;
    }

    private static (ConfigDict Root, CapturingLog Log) Load(string text, bool justCheck = true, string name = "t.conf")
    {
        var log = new CapturingLog();
        ConfigDict root = ConfigLoader.LoadBytes(name, Encoding.UTF8.GetBytes(text), Registry(), new ModuleContext(log, justCheck));
        return (root, log);
    }

    private static T Value<T>(ConfigDict root, string key) where T : class =>
        Assert.IsType<T>(Assert.IsType<ClosureItem>(Assert.Single(root.Find(key)!.Value)).Value);

    private static string ConfigError(string text) =>
        Assert.Throws<ConfigException>(() => Load(text)).Message;

    [Theory]
    [InlineData("d diffie-hellman();", "config error (diffie-hellman, t.conf:1): you must provide a prime modulus")]
    [InlineData("d diffie-hellman(\"17\");", "config error (diffie-hellman, t.conf:1): you must provide a generator")]
    [InlineData("d diffie-hellman(17, \"2\");", "config error (diffie-hellman, t.conf:1): first argument must be a string")]
    [InlineData("d diffie-hellman(\"17\", 2);", "config error (diffie-hellman, t.conf:1): second argument must be a string")]
    [InlineData("d diffie-hellman(\"17\",\n \"1g\");", "config error (diffie-hellman, t.conf:2): \"1g\" is not a hex number string")]
    [InlineData("k rsa-public();", "config error (rsa-public, t.conf:1): you must provide an encryption key")]
    [InlineData("k rsa-public(\"3\", 5);", "config error (rsa-public, t.conf:1): first argument must be a string")]
    [InlineData("k rsa-public(\"3\", \"abc\");", "config error (rsa-public, t.conf:1): modulus \"abc\" is not a decimal number string")]
    [InlineData("k rsa-private();", "config error (rsa-private, t.conf:1): you must provide a filename")]
    [InlineData("k rsa-private(1);", "config error (rsa-private, t.conf:1): first argument must be a string")]
    [InlineData("h sha1(\"x\");", "config error (conffile, t.conf:1): this closure cannot be invoked")]
    [InlineData("hash \"md5\"; k rsa-public(\"3\", \"5\");", "config error (site, t.conf:1): \"hash\" must be a closure")]
    [InlineData("hash randomfile(\"/dev/urandom\"); k rsa-public(\"3\", \"5\");", "config error (site, t.conf:1): \"hash\" is the wrong type of closure (expected HASH, got RANDOMSRC)")]
    [InlineData("m make-public(\"rsa2\", \"x\");", "config error (make-public, t.conf:1): unknown algorithm `rsa2'")]
    [InlineData("p priv-cache({ });", "config error (priv-cache, t.conf:1): required parameter \"privkeys\" not found")]
    public void ArgumentErrors(string text, string expected) => Assert.Equal(expected, ConfigError(text));

    [Fact]
    public void ClosuresHaveTheirTypedValues()
    {
        string key = RepoPaths.Vector("kex-example", "alpha.key");
        (ConfigDict root, _) = Load($$"""
            d diffie-hellman("{{Tests.Crypto.DhTests.Oakley1024}}", "2");
            r randomfile("/dev/urandom", yes);
            s randomsrc("/dev/urandom");
            priv rsa-private("{{key}}");
            pub rsa-public("65537", "{{Tests.Crypto.RsaTests.InsideModulus}}");
            vpn { hash md5; inner rsa-public("3", "{{Tests.Crypto.RsaTests.OutsideModulus}}"); };
            cache priv-cache({ privkeys "{{_dir}}/key-"; });
            """);
        Assert.Equal(128, Value<DiffieHellmanGroup>(root, "d").SecretLength);
        Assert.True(Value<RandomFileSource>(root, "r").Blocking);
        Assert.False(Value<RandomFileSource>(root, "s").Blocking);
        RsaPrivateKey priv = Value<RsaPrivateKey>(root, "priv");
        Assert.Same(Sha1Hash.Instance, priv.Hash);
        Assert.Same(Sha1Hash.Instance, Value<RsaPublicKey>(root, "pub").Hash);
        ConfigDict vpn = Assert.IsType<DictItem>(Assert.Single(root.Find("vpn")!.Value)).Dict;
        Assert.Same(Md5Hash.Instance, Value<RsaPublicKey>(vpn, "inner").Hash);
        Assert.Same(Md5Hash.Instance, Value<Md5Hash>(root, "md5"));
        Assert.Equal(5, Value<RsaPrivateKeyCache>(root, "cache").Capacity);
    }

    [Fact]
    public void SitesNamingTheSameGroupOrKeyShareOneObject()
    {
        string p = Tests.Crypto.DhTests.Oakley1024;
        string n = Tests.Crypto.RsaTests.InsideModulus;
        (ConfigDict root, _) = Load($$"""
            a { dh diffie-hellman("{{p}}", "2"); key rsa-public("65537", "{{n}}"); };
            b { dh diffie-hellman("{{p.ToLowerInvariant()}}", "2"); key rsa-public("65537", "{{n}}"); };
            c { dh diffie-hellman("{{p}}", "5"); key rsa-public("3", "{{n}}"); };
            d { hash md5; key rsa-public("65537", "{{n}}"); };
            """);
        ConfigDict Site(string name) => Assert.IsType<DictItem>(Assert.Single(root.Find(name)!.Value)).Dict;
        Assert.Same(Value<DiffieHellmanGroup>(Site("a"), "dh"), Value<DiffieHellmanGroup>(Site("b"), "dh"));
        Assert.NotSame(Value<DiffieHellmanGroup>(Site("a"), "dh"), Value<DiffieHellmanGroup>(Site("c"), "dh"));
        Assert.Same(Value<RsaPublicKey>(Site("a"), "key"), Value<RsaPublicKey>(Site("b"), "key"));
        Assert.NotSame(Value<RsaPublicKey>(Site("a"), "key"), Value<RsaPublicKey>(Site("c"), "key"));
        // The same numbers under another hash are another key.
        Assert.NotSame(Value<RsaPublicKey>(Site("a"), "key"), Value<RsaPublicKey>(Site("d"), "key"));
    }

    [Fact]
    public void AGroupFirstSeenWithoutTheCheckIsStillCheckedWhereTheCheckIsAsked()
    {
        Assert.Equal("config error (diffie-hellman, t.conf:2): modulus must be a prime",
            ConfigError("a diffie-hellman(\"15\", \"2\", False);\nb diffie-hellman(\"15\", \"2\");"));
    }

    [Fact]
    public void MissingKeyFileUnderCheckIsAWarningAndAnEmptyList()
    {
        (ConfigDict root, CapturingLog log) = Load("k rsa-private(\"no-such.key\");");
        Assert.Null(root.Find("k"));
        Assert.Contains("rsa-private (t.conf:1): cannot open keyfile \"no-such.key\" (No such file or directory); " +
            "assuming it's valid while we check the rest of the configuration", log.Texts);

        var fatal = Assert.Throws<ConfigFileException>(() => Load("k rsa-private(\"no-such.key\");", justCheck: false));
        Assert.Equal("secnet fatal error: rsa-private (t.conf:1): cannot open file \"no-such.key\": No such file or directory", fatal.Message);
    }

    [Fact]
    public void KeyFileErrorsAndSkippedChecks()
    {
        byte[] key = File.ReadAllBytes(RepoPaths.Vector("kex-example", "alpha.key"));
        key[^10] ^= 1; // inside p
        string path = Path.Combine(_dir, "bad.key");
        File.WriteAllBytes(path, key);
        Assert.Equal("config error (rsa-private, t.conf:1): file does not contain a valid RSA key!", ConfigError($"k rsa-private(\"{path}\");"));
        (ConfigDict root, CapturingLog log) = Load($"k rsa-private(\"{path}\", false);");
        Assert.NotNull(Value<RsaPrivateKey>(root, "k"));
        Assert.Contains("rsa-private (t.conf:1): skipping RSA key validity check", log.Texts);
        (_, log) = Load("d diffie-hellman(\"15\", \"2\", false);");
        Assert.Contains("diffie-hellman (t.conf:1): skipping modulus primality check", log.Texts);
    }

    [Fact]
    public void RandomFileOpenFailureIsFatal()
    {
        var fatal = Assert.Throws<ConfigFileException>(() => Load("r randomfile(\"/nonexistent/random\");"));
        Assert.Equal(2, fatal.ExitCode);
        Assert.Equal("secnet fatal error: randomsource (t.conf:1): cannot open /nonexistent/random: No such file or directory", fatal.Message);
    }

    [Fact]
    public void MakePublicAndLoadPrivate()
    {
        string keyFile = RepoPaths.Vector("kex-example", "alpha.key");
        string pubLine = File.ReadAllText(keyFile + ".pub");
        string encoded = Base91s.Encode(Encoding.ASCII.GetBytes(pubLine));
        Assert.Equal(pubLine, Encoding.ASCII.GetString(Base91s.Decode(encoded)));
        (ConfigDict root, _) = Load($$"""
            pub make-public("rsa1", "{{encoded}}");
            priv load-private("rsa1", "{{keyFile}}");
            """);
        RsaPrivateKey priv = Value<RsaPrivateKey>(root, "priv");
        Assert.True(Value<RsaPublicKey>(root, "pub").Verify("m"u8, priv.Sign("m"u8)));
        Assert.StartsWith("config error (load-private, t.conf:1): private key loading failed",
            ConfigError("p load-private(\"rsa1\", \"/nonexistent\");"), StringComparison.Ordinal);
    }

    [Fact]
    public void PrivCacheLoadsKeysById()
    {
        File.Copy(RepoPaths.Vector("kex-example", "bravo.key"), Path.Combine(_dir, "key-0000000100"));
        var cache = new RsaPrivateKeyCache(Path.Combine(_dir, "key-"), 2, 4095);
        Assert.True(cache.TryGet([0, 0, 0, 1, 0], out RsaPrivateKey? key, out string? error), error);
        Assert.Equal("bravo@kex-example", key!.Comment);
        Assert.True(cache.TryGet([0, 0, 0, 1, 0], out RsaPrivateKey? again, out _));
        Assert.Same(key, again);
        Assert.False(cache.TryGet([0, 0, 0, 2, 0], out _, out error));
        Assert.Contains("No such file or directory", error, StringComparison.Ordinal);
        Assert.False(new RsaPrivateKeyCache(Path.Combine(_dir, "key-"), 2, 100).TryGet([0, 0, 0, 1, 0], out _, out _));
    }

    public static TheoryData<string> CorpusFiles => new()
    {
        "bad-dh-generator-too-big.conf", "bad-dh-not-hex.conf", "bad-dh-not-prime.conf",
        "bad-randomfile-arg2.conf", "bad-randomfile-no-arg.conf", "ok-randomfile.conf", "ok-randomsrc-name.conf",
        "bad-rsa-public-number.conf", "bad-rsa-public-one-arg.conf", "ok-rsa-hash-md5.conf",
        "ok-rsa-private-missing-file.conf", "bad-rsa-private-not-keyfile.conf",
    };

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusEntries(string file)
    {
        string dir = RepoPaths.Vector("config");
        Dictionary<string, string> expected = File.ReadLines(Path.Combine(dir, "EXPECTED.tsv")).Skip(1)
            .Select(l => l.Split('\t')).ToDictionary(f => f[0], f => f[2]);
        var ours = new Dictionary<string, string>
        {
            // NOTES.tsv: we accept the README's name, and print the key-file error as one line.
            ["ok-randomsrc-name.conf"] = "OK",
            ["bad-rsa-private-not-keyfile.conf"] =
                "config error (rsa-private, bad-rsa-private-not-keyfile.conf:2): failed to read magic ID string from SSH1 private keyfile",
        };
        string want = ours.GetValueOrDefault(file) ?? expected[file];
        // Paths in the corpus are relative to its directory; make them absolute instead of
        // changing the working directory of a parallel test run.
        string text = File.ReadAllText(Path.Combine(dir, file)).Replace("\"inc/", $"\"{dir}/inc/", StringComparison.Ordinal);
        string got;
        try
        {
            Load(text, justCheck: true, name: file);
            got = "OK";
        }
        catch (ConfigException e)
        {
            got = e.Message;
        }

        Assert.Equal(want, got);
    }
}
