using System.Text;
using Secnet.Crypto;

namespace Secnet.Tests.Keys;

/// <summary>Key-set file lines for tests: real rsa1 public key data (a fixed modulus).</summary>
internal static class KeySetText
{
    public static string Pub => "pub rsa1 " + Base91s.Encode(Encoding.ASCII.GetBytes("1024 65537 " + Tests.Crypto.RsaTests.InsideModulus));

    /// <summary>A set of groups in order: "GID" or "f:GID", one rsa1 key each.</summary>
    public static string Set(string serial, params string[] groups)
    {
        var sb = new StringBuilder();
        if (serial.Length > 0) sb.Append("serial ").Append(serial).Append('\n');
        foreach (string g in groups)
        {
            sb.Append(g.StartsWith("f:", StringComparison.Ordinal) ? $"pkgf {g[2..]}\n" : $"pkg {g}\n");
            sb.Append(Pub).Append('\n');
        }
        return sb.ToString();
    }
}
