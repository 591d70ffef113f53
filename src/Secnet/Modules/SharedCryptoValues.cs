using Secnet.Crypto;

namespace Secnet.Modules;

/// <summary>
/// One object per distinct Diffie-Hellman group and per distinct RSA public key in a
/// configuration. A make-secnet-sites configuration names its group once per VPN but a
/// hand-written one may repeat it per site, and key sets repeat keys: each repetition would
/// otherwise cost a parse, a primality check (a few milliseconds per 2048-bit group) and the
/// memory of its own numbers and Montgomery context. Equal numbers spelt alike share (hex
/// digits in either case).
/// </summary>
internal sealed class SharedCryptoValues
{
    private readonly Dictionary<(string P, string G), (DiffieHellmanGroup Group, bool PrimeChecked)> _groups = new();
    private readonly Dictionary<(string E, string N, IHashAlgorithm Hash), RsaPublicKey> _publicKeys = new();

    public static SharedCryptoValues Of(ModuleContext modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (modules.Find<SharedCryptoValues>() is { } shared) return shared;
        shared = new SharedCryptoValues();
        modules.Set(shared);
        return shared;
    }

    /// <summary>As <see cref="DiffieHellmanGroup.TryCreate(string, string, bool, out DiffieHellmanGroup?, out string?)"/>,
    /// reusing an equal group; the primality check runs once per group whichever use asks first.</summary>
    public bool TryGetGroup(string modulusHex, string generatorHex, bool checkPrime, out DiffieHellmanGroup? group, out string? error)
    {
        var key = (Digits(modulusHex, lower: true), Digits(generatorHex, lower: true));
        if (_groups.TryGetValue(key, out var known))
        {
            if (checkPrime && !known.PrimeChecked)
            {
                if (!DiffieHellmanPrimality.IsProbablePrime(known.Group.Modulus))
                {
                    group = null;
                    error = "modulus must be a prime";
                    return false;
                }

                _groups[key] = (known.Group, true);
            }

            group = known.Group;
            error = null;
            return true;
        }

        if (!DiffieHellmanGroup.TryCreate(modulusHex, generatorHex, checkPrime, out group, out error))
        {
            return false;
        }

        _groups[key] = (group!, checkPrime);
        return true;
    }

    /// <summary>As <see cref="RsaPublicKey.TryCreate"/>, reusing an equal key with the same hash.</summary>
    public bool TryGetPublicKey(string e, string n, IHashAlgorithm hash, out RsaPublicKey? key, out string? error)
    {
        var id = (Digits(e, lower: false), Digits(n, lower: false), hash);
        if (_publicKeys.TryGetValue(id, out key))
        {
            error = null;
            return true;
        }

        if (!RsaPublicKey.TryCreate(e, n, hash, out key, out error))
        {
            return false;
        }

        _publicKeys[id] = key!;
        return true;
    }

    // Hex case never changes whether GMP accepts a number, so it is folded; white space can
    // ("- 17" is refused, "-17" is not), so spellings must otherwise match exactly.
    private static string Digits(string text, bool lower) => lower ? text.ToLowerInvariant() : text;
}
