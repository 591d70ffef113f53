using System.Text;
using Secnet.Crypto;
using Secnet.Log;

namespace Secnet.Keys;

/// <summary>
/// Reads a key-set file (<c>peer-keys</c>; README.make-secnet-sites): one directive a line,
/// <c>serial SSSSSSSS</c>, <c>pkg GGGGGGGG</c>, <c>pkgf GGGGGGGG</c> (a fallback group),
/// <c>pub ALG BASE91S</c>. Lines with other first words are skipped (newer publishers may add
/// directives); a malformed known directive rejects the whole file, as does a file with no usable
/// key, so a half-understood update never replaces a good set. The accepted keys are then
/// reduced as NOTES ("Site long-term keys") says, with 0.6.7's observed reading of fallback groups.
/// </summary>
public static class PeerKeySetParser
{
    /// <summary>The outcome: a set, or null with the reasons in <see cref="Messages"/>.</summary>
    public sealed record Result(PeerKeySet? Set, IReadOnlyList<(LogClass Class, string Text)> Messages);

    public static Result Parse(string text, string path)
    {
        var messages = new List<(LogClass, string)>();
        uint serial = 0;
        uint group = 0;
        bool fallback = false;
        bool groupTaken = false;
        bool anyKept = false;
        bool anyKey = false;
        var keys = new List<PeerKey>();
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            string line = lines[n].TrimEnd('\r');
            string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            int expected = words[0] switch { "serial" or "pkg" or "pkgf" => 2, "pub" => 3, _ => 0 };
            if (expected == 0) continue;
            if (words.Length < expected) return SyntaxError(messages, path, n, "end of line");
            if (words.Length > expected) return SyntaxError(messages, path, n, TrailingText(line, expected));
            switch (words[0])
            {
                case "serial":
                    if (!KeyId.TryParseGroup(words[1], out serial)) return SyntaxError(messages, path, n, words[1]);
                    break;
                case "pkg":
                case "pkgf":
                    if (!KeyId.TryParseGroup(words[1], out group)) return SyntaxError(messages, path, n, words[1]);
                    fallback = words[0] == "pkgf";
                    groupTaken = false;
                    break;
                default:
                    if (words[1] != "rsa1") break;
                    if (!TryRsa1(words[2], out IVerifyKey? key, out string? error))
                    {
                        messages.Add((LogClass.Error, error!));
                        break;
                    }
                    anyKey = true;
                    // One key per algorithm in a group (the earliest); a fallback group only
                    // counts if nothing came before it (0.6.7, observed: [f:A, f:B, C] offers A, C).
                    if (groupTaken || (fallback && anyKept) || keys.Count >= PeerKeySet.MaxKeys) break;
                    keys.Add(new PeerKey(new KeyId(group, KeyId.Rsa1), key!));
                    groupTaken = anyKept = true;
                    break;
            }
        }

        if (!anyKey)
        {
            messages.Add((LogClass.Error, $"no useable keys in {path}"));
            return new Result(null, messages);
        }

        return new Result(new PeerKeySet(serial, keys), messages);
    }

    private static bool TryRsa1(string data, out IVerifyKey? key, out string? error)
    {
        key = null;
        byte[] decoded = Base91s.Decode(data);
        string[] fields = Encoding.Latin1.GetString(decoded).Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
        {
            error = "end of pubkey data looking for public exponent";
            return false;
        }
        if (fields.Length < 3)
        {
            error = "end of pubkey data looking for modulus";
            return false;
        }
        // Keys of the peer-keys scheme always use sha1 (README: "hardcoded to use sha1").
        bool ok = RsaPublicKey.TryCreate(fields[1], fields[2], Sha1Hash.Instance, out RsaPublicKey? rsa, out error);
        key = rsa;
        return ok;
    }

    // 0.6.7's lexer reports the token after the last expected word with its leading blank.
    private static string TrailingText(string line, int expected)
    {
        int i = 0;
        for (int w = 0; w < expected; w++)
        {
            while (i < line.Length && line[i] is ' ' or '\t') i++;
            while (i < line.Length && line[i] is not (' ' or '\t')) i++;
        }
        int end = i;
        while (end < line.Length && line[end] is ' ' or '\t') end++;
        while (end < line.Length && line[end] is not (' ' or '\t')) end++;
        return line[i..end];
    }

    private static Result SyntaxError(List<(LogClass, string)> messages, string path, int lineIndex, string at)
    {
        messages.Add((LogClass.Debug, $"pubkeys syntax error at `{at}'"));
        messages.Add((LogClass.Error, $"{path}:{lineIndex + 1}: syntax error"));
        return new Result(null, messages);
    }
}
