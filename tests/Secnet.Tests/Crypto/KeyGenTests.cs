using System.Diagnostics;
using System.Text.RegularExpressions;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;
using Secnet.Tools.KeyGen;

namespace Secnet.Tests.Crypto;

public sealed partial class KeyGenTests : IDisposable
{
    private const string DebianSecnet = "/usr/sbin/secnet";
    private readonly string _dir = Directory.CreateTempSubdirectory("asymcrypto-keygen-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = KeyGenCommand.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void GeneratedKeyLoadsSignsAndMatchesItsPublicLines()
    {
        string file = Path.Combine(_dir, "site.key");
        (int exit, string output, string err) = Run("-f", file, "-C", "me@example");
        Assert.True(exit == 0, err);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        string[] pub = lines[0].Split(' ');
        Assert.Equal(["2048", "65537"], pub[..2]);
        Assert.Equal("me@example", pub[3]);
        Assert.Equal(lines[0] + "\n", File.ReadAllText(file + ".pub"));
        Assert.Equal($"rsa-public(\"{pub[1]}\",\"{pub[2]}\");", lines[1]);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.True(Ssh1PrivateKeyFile.TryLoad(file, true, Sha1Hash.Instance, out RsaPrivateKey? key, out string? error), error);
        Assert.Equal("me@example", key!.Comment);
        Assert.Equal(2048u, key.FileKeyBits);
        RsaPublicKey peerView = RsaTests.Public(pub[1], pub[2]);
        byte[] signature = key.Sign("key exchange"u8);
        Assert.True(peerView.Verify("key exchange"u8, signature));
        Assert.False(peerView.Verify("key exchangf"u8, signature));

        // The sites-file line: base91s of "BITS E N", as make-secnet-sites writes it.
        Assert.StartsWith("pub rsa1 ", lines[2], StringComparison.Ordinal);
        Assert.Equal($"{pub[0]} {pub[1]} {pub[2]}", System.Text.Encoding.ASCII.GetString(Base91s.Decode(lines[2].AsSpan("pub rsa1 ".Length))));
    }

    /// <summary>-g/-p: the key goes where priv-cache looks for its id; the sites-file lines name the group.</summary>
    [Fact]
    public void WritesUnderAPrivCachePrefixByKeyId()
    {
        string prefix = Path.Combine(_dir, "priv.");
        (int exit, string output, string err) = Run("-b", "1024", "-C", "me", "-g", "5DC36A47", "-p", prefix);
        Assert.True(exit == 0, err);
        string[] lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal("pkg 5dc36a47", lines[2]);
        Assert.StartsWith("pub rsa1 ", lines[3], StringComparison.Ordinal);
        var cache = new RsaPrivateKeyCache(prefix, 5, 4095);
        Assert.NotNull(cache.Find(new Secnet.Keys.KeyId(0x5dc36a47, 0)));
        Assert.Equal(1, Run("-g", "5dc36a4", "-p", prefix).Exit);
        Assert.Equal(1, Run("-p", prefix).Exit);
    }

    [Fact]
    public void RefusesBadArgumentsAndOverwriting()
    {
        string file = Path.Combine(_dir, "k");
        Assert.Equal(1, Run().Exit);
        Assert.Equal(1, Run("-f", file, "-b", "512").Exit);
        Assert.Equal(1, Run("-f", file, "-b", "x").Exit);
        Assert.Equal(1, Run("-f", file, "-C", "").Exit);
        Assert.Equal(1, Run("-f", file, "-C", "two\nlines").Exit);
        Assert.Equal(1, Run("-f", file, "--bogus").Exit);
        Assert.Equal(0, Run("--help").Exit);
        Assert.False(File.Exists(file));
        Assert.Equal(0, Run("-f", file, "-b", "1024").Exit);
        byte[] first = File.ReadAllBytes(file);
        (int exit, _, string err) = Run("-f", file, "-b", "1024");
        Assert.Equal(1, exit);
        Assert.Contains("already exists", err, StringComparison.Ordinal);
        Assert.Equal(first, File.ReadAllBytes(file));
        Assert.Equal(0, Run("-y", "-f", file, "-b", "1024").Exit);
        Assert.NotEqual(first, File.ReadAllBytes(file));
    }

    [Fact]
    public void DebianSecnetAcceptsTheGeneratedKey()
    {
        if (!File.Exists(DebianSecnet))
        {
            return; // the interop oracle is not installed on this machine
        }

        string key = Path.Combine(_dir, "local.key");
        (int exit, string output, _) = Run("-b", "1024", "-f", key, "-C", "keygen-test");
        Assert.Equal(0, exit);
        string snippet = output.Split('\n')[1];
        File.Copy(RepoPaths.Vector("config", "dh.conf"), Path.Combine(_dir, "dh.conf"));
        File.WriteAllText(Path.Combine(_dir, "site.conf"), SiteConfig("local.key", snippet));
        (int secnetExit, string log) = CheckConfig("site.conf");
        Assert.True(secnetExit == 0, log);
        Assert.Contains("configuration file check complete", log, StringComparison.Ordinal);

        // Control: the same config with a corrupted prime must be rejected, which proves
        // secnet really loaded and checked our file.
        byte[] bytes = File.ReadAllBytes(key);
        bytes[^12] ^= 0x01;
        File.WriteAllBytes(Path.Combine(_dir, "bad.key"), bytes);
        File.WriteAllText(Path.Combine(_dir, "bad.conf"), SiteConfig("bad.key", snippet));
        (secnetExit, log) = CheckConfig("bad.conf");
        Assert.Equal(8, secnetExit);
        Assert.Contains("file does not contain a valid RSA key!", log, StringComparison.Ordinal);
        Assert.False(Ssh1PrivateKeyFile.TryLoad(Path.Combine(_dir, "bad.key"), true, Sha1Hash.Instance, out _, out string? error));
        Assert.Equal("file does not contain a valid RSA key!", error);
    }

    private (int Exit, string Log) CheckConfig(string config)
    {
        var start = new ProcessStartInfo(DebianSecnet, ["-j", "-c", config])
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(15000));
        return (process.ExitCode, stdout.Result + stderr);
    }

    private static string SiteConfig(string keyFile, string rsaPublicSnippet) => $$"""
        system { log logfile { class "verbose"; }; };
        log /system/log;
        resolver adns { };
        random randomfile("/dev/urandom", no);
        buf sysbuffer();
        include dh.conf
        peerpub {{SnippetExpression().Match(rsaPublicSnippet).Value}};
        comm udp { port 40001; address "127.0.0.1"; buffer buf; };
        nl null-netlink { name "nl"; networks "10.1.0.0/16"; local-address "10.1.0.1";
                          secnet-address "10.1.0.2"; remote-networks "10.2.0.0/16"; };
        peerlink nl { name "peer"; routes "10.2.1.0/24"; };
        sites site {
          local-name "me"; name "peer";
          link peerlink; comm comm; resolver resolver; random random;
          local-key rsa-private("{{keyFile}}"); key peerpub; transform eax-serpent { }; dh testdh;
          address "127.0.0.1"; port 40002;
        };

        """;

    [GeneratedRegex("rsa-public\\(\"[0-9]+\",\"[0-9]+\"\\)")]
    private static partial Regex SnippetExpression();
}
