using System.Text;

namespace Secnet.Crypto;

/// <summary>An SSH-1 public key line "BITS E N [COMMENT]", the payload of make-public and
/// peer-keys entries (crypto.md §8.6): secnet skips BITS and reads E and N as decimal.</summary>
public static class Ssh1PublicKeyText
{
    public static bool TryParse(ReadOnlySpan<byte> line, IHashAlgorithm hash, out RsaPublicKey? key, out string? error)
    {
        key = null;
        return TrySplit(line, out string? e, out string? n, out error)
            && RsaPublicKey.TryCreate(e!, n!, hash, out key, out error);
    }

    /// <summary>The E and N fields, unparsed.</summary>
    public static bool TrySplit(ReadOnlySpan<byte> line, out string? e, out string? n, out string? error)
    {
        string text = Encoding.Latin1.GetString(line);
        string[] fields = text.Split([' ', '\t', '\n', '\r'], 4, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            e = n = null;
            error = "public key data is not of the form \"BITS E N\"";
            return false;
        }

        (e, n, error) = (fields[1], fields[2], null);
        return true;
    }
}
