using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary>How loading a key file ended; the config closure treats an unopenable file
/// differently under -j (config.md §4.11).</summary>
public enum Ssh1LoadOutcome
{
    Loaded,
    CannotOpen,
    Invalid,
}

/// <summary>Loads <c>rsa-private</c> key files (crypto.md §8.2, protocol.md Appendix A).</summary>
public static class Ssh1PrivateKeyFile
{
    // Larger than the biggest file secnet will read (4 KiB-class mpints, 1 KiB comment);
    // bytes beyond what the fields need are ignored, as secnet ignores them.
    private const int ReadLimit = 64 * 1024;

    /// <summary>Loads and checks a key. On failure <paramref name="error"/> is the text for
    /// a config error; for an unopenable file it is <c>cannot open file "F": strerror</c>.</summary>
    public static bool TryLoad(string path, bool checkKey, IHashAlgorithm hash, out RsaPrivateKey? key, out string? error)
    {
        Ssh1LoadOutcome outcome = Load(path, checkKey, hash, out key, out error);
        if (outcome == Ssh1LoadOutcome.CannotOpen)
        {
            error = $"cannot open file \"{path}\": {error}";
        }

        return outcome == Ssh1LoadOutcome.Loaded;
    }

    /// <summary>Like <see cref="TryLoad"/> but tells an unopenable file apart; then
    /// <paramref name="error"/> is only the strerror text (e.g. "No such file or directory").</summary>
    public static Ssh1LoadOutcome Load(string path, bool checkKey, IHashAlgorithm hash, out RsaPrivateKey? key, out string? error)
    {
        key = null;
        if (!PosixFile.TryReadPrefix(path, ReadLimit, out byte[] contents, out string? osError))
        {
            error = osError;
            return Ssh1LoadOutcome.CannotOpen;
        }

        if (!Ssh1PrivateKeyParser.TryParse(contents, out Ssh1PrivateKeyComponents? components, out error)
            || !RsaPrivateKey.TryCreate(components!, checkKey, hash, out key, out error))
        {
            return Ssh1LoadOutcome.Invalid;
        }

        return Ssh1LoadOutcome.Loaded;
    }
}
