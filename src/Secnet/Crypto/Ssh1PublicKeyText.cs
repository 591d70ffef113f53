using System.Text;

namespace Secnet.Crypto;

/// <summary>An SSH-1 public key line "BITS E N [COMMENT]", the payload of make-public and
/// peer-keys entries (crypto.md §8.6): secnet skips BITS and reads E and N as decimal.</summary>
public static class Ssh1PublicKeyText
{
    public static bool TryParse(ReadOnlySpan<byte> line, IHashAlgorithm hash, out RsaPublicKey? key, out string? error)
    {
        key = null;
        string text = Encoding.Latin1.GetString(line);
        string[] fields = text.Split([' ', '\t', '\n', '\r'], 4, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            error = "public key data is not of the form \"BITS E N\"";
            return false;
        }

        return RsaPublicKey.TryCreate(fields[1], fields[2], hash, out key, out error);
    }
}
