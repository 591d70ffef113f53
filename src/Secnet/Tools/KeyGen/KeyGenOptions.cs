using System.Globalization;

namespace Secnet.Tools.KeyGen;

/// <summary>Command line of <c>secnet-keygen</c>.</summary>
internal sealed record KeyGenOptions(int Bits, string Comment, string File, bool Overwrite, uint? Group = null)
{
    public const int DefaultBits = 2048;

    // Below 1024 bits is unsafe; above 16384 the modulus exceeds secnet's 2048-byte limit.
    public const int MinBits = 1024;
    public const int MaxBits = 16384;

    public const string Usage =
        "usage: secnet-keygen [-b BITS] [-C COMMENT] [-y] [-g GROUP] -f FILE\n" +
        "       secnet-keygen [-b BITS] [-C COMMENT] [-y] -g GROUP -p PREFIX\n" +
        "  writes FILE (SSH-1 RSA private key for rsa-private/load-private) and FILE.pub\n" +
        "  (\"bits e n comment\"), and prints the public line, an rsa-public(...) snippet for the\n" +
        "  peers' config and the sites-file lines (\"pkg GROUP\" with -g, \"pub rsa1 ...\").\n" +
        "  -g GROUP    the key's group id, 8 hex digits (key id GROUP00, rsa1)\n" +
        "  -p PREFIX   write the key where priv-cache({ privkeys \"PREFIX\"; }) looks for it:\n" +
        "              PREFIX followed by the 10 hex digits of the key id (needs -g)\n" +
        "  -b BITS     modulus size, 1024..16384 (default 2048)\n" +
        "  -C COMMENT  key comment (default user@host)\n" +
        "  -y          overwrite existing files\n";

    public static bool TryParse(string[] args, out KeyGenOptions? options, out string? error)
    {
        options = null;
        int bits = DefaultBits;
        string? comment = null;
        string? file = null;
        string? prefix = null;
        uint? group = null;
        bool overwrite = false;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-y":
                    overwrite = true;
                    continue;
                case "-h" or "--help":
                    error = null;
                    return false;
                case "-b" or "-C" or "-f" or "-g" or "-p":
                    if (i + 1 >= args.Length)
                    {
                        error = $"option {arg} needs a value";
                        return false;
                    }

                    string value = args[++i];
                    if (arg == "-b")
                    {
                        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out bits)
                            || bits < MinBits || bits > MaxBits)
                        {
                            error = $"bits must be a number from {MinBits} to {MaxBits}";
                            return false;
                        }
                    }
                    else if (arg == "-C")
                    {
                        comment = value;
                    }
                    else if (arg == "-g")
                    {
                        if (!Keys.KeyId.TryParseGroup(value, out uint g))
                        {
                            error = "the group id (-g) must be 8 hex digits";
                            return false;
                        }

                        group = g;
                    }
                    else if (arg == "-p")
                    {
                        prefix = value;
                    }
                    else
                    {
                        file = value;
                    }

                    continue;
                default:
                    error = $"unknown argument \"{arg}\"";
                    return false;
            }
        }

        if (prefix is not null)
        {
            if (file is not null || group is null)
            {
                error = "-p PREFIX needs -g GROUP and no -f";
                return false;
            }

            file = prefix + new Keys.KeyId(group.Value, Keys.KeyId.Rsa1);
        }

        if (file is null)
        {
            error = "an output file (-f FILE) is required";
            return false;
        }

        comment ??= $"{Environment.UserName}@{Environment.MachineName}";
        if (!IsUsableComment(comment, out error))
        {
            return false;
        }

        options = new KeyGenOptions(bits, comment, file, overwrite, group);
        return true;
    }

    // secnet cannot read an empty comment field, and the .pub line is space separated with
    // the comment last, so only a line break would corrupt it.
    private static bool IsUsableComment(string comment, out string? error)
    {
        error = comment.Length == 0 ? "the comment must not be empty"
            : comment.Length > Crypto.Ssh1PrivateKeyFormat.MaxCommentLength ? "the comment is longer than 1024 characters"
            : comment.AsSpan().IndexOfAny('\n', '\r', '\0') >= 0 ? "the comment must be a single line"
            : comment.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0xff) ? "the comment must be Latin-1 text"
            : null;
        return error is null;
    }
}
