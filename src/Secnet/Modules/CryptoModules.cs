using Secnet.Config;
using Secnet.Crypto;
using Secnet.Log;

namespace Secnet.Modules;

/// <summary>The asymmetric-crypto, hash and random-source closures (config.md §4.2, §4.11,
/// §4.12, §4.14, §4.15).</summary>
public static class CryptoModules
{
    private const string DhFacility = "diffie-hellman";
    private const string RsaPublicFacility = "rsa-public";
    private const string RsaPrivateFacility = "rsa-private";
    private const string RandomFacility = "randomsource";

    // Exit status of a fatal error while the configuration is read (config.md §5).
    private const int ReadingPhaseExit = 2;

    public static void Register(ModuleRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add("md5", new ClosureItem("md5", ClosureType.Hash, Md5Hash.Instance));
        registry.Add("sha1", new ClosureItem("sha1", ClosureType.Hash, Sha1Hash.Instance));
        registry.Register("diffie-hellman", DiffieHellman);
        registry.Register("rsa-public", RsaPublic);
        registry.Register("rsa-private", RsaPrivate);
        registry.Register("randomfile", RandomFile);
        // The seed README's name; 0.6.7 lacks it but our requirements follow the README.
        registry.Register("randomsrc", RandomFile);
        registry.Register("make-public", MakePublic);
        registry.Register("load-private", LoadPrivate);
        registry.Register("priv-cache", PrivCache);
    }

    private static IReadOnlyList<Item> DiffieHellman(Invocation inv)
    {
        Item modulusItem = inv.Arg(0) ?? throw inv.Error(DhFacility, "you must provide a prime modulus");
        string modulus = modulusItem is StringItem m ? m.Value
            : throw At(modulusItem, DhFacility, "first argument must be a string");
        if (!BigIntHex.IsHex(modulus))
        {
            throw At(modulusItem, DhFacility, $"\"{modulus}\" is not a hex number string");
        }

        Item generatorItem = inv.Arg(1) ?? throw inv.Error(DhFacility, "you must provide a generator");
        string generator = generatorItem is StringItem g ? g.Value
            : throw At(generatorItem, DhFacility, "second argument must be a string");

        bool check = !IsFalse(inv.Arg(2));
        if (!check)
        {
            Info(inv, $"diffie-hellman ({inv.Location}): skipping modulus primality check");
        }

        if (!SharedCryptoValues.Of(inv.Modules).TryGetGroup(modulus, generator, check, out DiffieHellmanGroup? group, out string? error))
        {
            Item culprit = error!.StartsWith("modulus", StringComparison.Ordinal) ? modulusItem : generatorItem;
            throw At(culprit, DhFacility, error);
        }

        return [new ClosureItem("diffie-hellman", ClosureType.Dh, group)];
    }

    private static IReadOnlyList<Item> RsaPublic(Invocation inv)
    {
        string e = RsaPublicArg(inv, 0);
        string n = RsaPublicArg(inv, 1);
        IHashAlgorithm hash = HashInScope(inv);
        if (!SharedCryptoValues.Of(inv.Modules).TryGetPublicKey(e, n, hash, out RsaPublicKey? key, out string? error))
        {
            throw inv.Error(RsaPublicFacility, error!);
        }

        return [new ClosureItem("rsapub", ClosureType.SigPubKey, key)];
    }

    // 0.6.7 uses the same two texts for both arguments (sic, config.md §4.11).
    private static string RsaPublicArg(Invocation inv, int index)
    {
        Item item = inv.Arg(index) ?? throw inv.Error(RsaPublicFacility, "you must provide an encryption key");
        return item is StringItem s ? s.Value : throw At(item, RsaPublicFacility, "first argument must be a string");
    }

    private static IReadOnlyList<Item> RsaPrivate(Invocation inv)
    {
        // 0.6.7 crashes without an argument (config.md §9); we report it.
        Item fileItem = inv.Arg(0) ?? throw inv.Error(RsaPrivateFacility, "you must provide a filename");
        string file = fileItem is StringItem s ? s.Value
            : throw At(fileItem, RsaPrivateFacility, "first argument must be a string");
        bool check = !IsFalse(inv.Arg(1));
        if (!check)
        {
            Info(inv, $"rsa-private ({inv.Location}): skipping RSA key validity check");
        }

        IHashAlgorithm hash = HashInScope(inv);
        switch (Ssh1PrivateKeyFile.Load(file, check, hash, out RsaPrivateKey? key, out string? error))
        {
            case Ssh1LoadOutcome.Loaded:
                WarnIfTooSmall(inv, key!);
                return [new ClosureItem("rsapriv", ClosureType.SigPrivKey, key)];
            case Ssh1LoadOutcome.CannotOpen when inv.Modules.JustCheck:
                // A config check may run where the key is not installed; the key is then an
                // empty list, so a site using it reports local-key as missing.
                inv.Modules.Log.Log(LogClass.Warning,
                    $"rsa-private ({inv.Location}): cannot open keyfile \"{file}\" ({error}); " +
                    "assuming it's valid while we check the rest of the configuration");
                return [];
            case Ssh1LoadOutcome.CannotOpen:
                throw ConfigFileException.Fatal($"rsa-private ({inv.Location}): cannot open file \"{file}\": {error}", ReadingPhaseExit);
            default:
                throw inv.Error(RsaPrivateFacility, error!);
        }
    }

    private static IReadOnlyList<Item> RandomFile(Invocation inv)
    {
        Item fileItem = inv.Arg(0) ?? throw inv.Error(RandomFacility, "requires a filename");
        string file = fileItem is StringItem s ? s.Value
            : throw At(fileItem, RandomFacility, "filename (arg1) must be a string");
        Item? blockingItem = inv.Arg(1);
        bool blocking = blockingItem switch
        {
            null => false,
            BoolItem b => b.Value,
            _ => throw At(blockingItem, RandomFacility, "blocking parameter (arg2) must be bool"),
        };

        // Opened now, also under -j, as 0.6.7 does.
        if (!RandomFileSource.TryOpen(file, blocking, out RandomFileSource? source, out string? error))
        {
            throw ConfigFileException.Fatal($"randomsource ({inv.Location}): {error}", ReadingPhaseExit);
        }

        return [new ClosureItem("randomfile", ClosureType.RandomSrc, source)];
    }

    private static IReadOnlyList<Item> MakePublic(Invocation inv)
    {
        const string facility = "make-public";
        string algorithm = inv.StringArg(facility, 0, "need algorithm name", "algorithm name must be string");
        string data = inv.StringArg(facility, 1, "need public key data", "public key data must be string");
        RequireRsa1(inv, facility, algorithm);
        // Keys given this way belong to the peer-keys scheme, which always uses sha1.
        RsaPublicKey? key = null;
        if (!Ssh1PublicKeyText.TrySplit(Base91s.Decode(data), out string? e, out string? n, out string? error)
            || !SharedCryptoValues.Of(inv.Modules).TryGetPublicKey(e!, n!, Sha1Hash.Instance, out key, out error))
        {
            throw inv.Error(facility, $"public key data invalid: {error}");
        }

        return [new ClosureItem("make-public", ClosureType.SigPubKey, key)];
    }

    private static IReadOnlyList<Item> LoadPrivate(Invocation inv)
    {
        const string facility = "load-private";
        string algorithm = inv.StringArg(facility, 0, "need algorithm name", "algorithm name must be string");
        string file = inv.StringArg(facility, 1, "need filename", "filename must be string");
        RequireRsa1(inv, facility, algorithm);
        if (!Ssh1PrivateKeyFile.TryLoad(file, false, Sha1Hash.Instance, out RsaPrivateKey? key, out string? error))
        {
            throw inv.Error(facility, $"private key loading failed: {error}");
        }

        return [new ClosureItem("load-private", ClosureType.SigPrivKey, key)];
    }

    private static IReadOnlyList<Item> PrivCache(Invocation inv)
    {
        ArgReader reader = inv.DictArgument("priv-cache");
        string prefix = reader.GetString("privkeys", required: true)!;
        int size = reader.GetNumber("privcache-size", 5);
        int max = reader.GetNumber("privkey-max", 4095);
        return [new ClosureItem("priv-cache", ClosureType.PrivCache, new RsaPrivateKeyCache(prefix, size, max, inv.Modules.Log))];
    }

    private static void RequireRsa1(Invocation inv, string facility, string algorithm)
    {
        if (algorithm != "rsa1")
        {
            throw inv.Error(facility, $"unknown algorithm `{algorithm}'");
        }
    }

    /// <summary>0.6.7: rsa-public/rsa-private use the <c>hash</c> visible where they are
    /// invoked, read with facility "site" (verified), and sha1 when there is none.</summary>
    private static IHashAlgorithm HashInScope(Invocation inv) =>
        new ArgReader("site", inv.Location, inv.Context).GetClosure<IHashAlgorithm>("hash", ClosureType.Hash)
        ?? Sha1Hash.Instance;

    private static void WarnIfTooSmall(Invocation inv, RsaPrivateKey key)
    {
        if (!key.DigestFits)
        {
            inv.Modules.Log.Log(LogClass.Warning,
                $"rsa-private ({inv.Location}): modulus too small for {key.Hash.Name}; signing with this key will fail");
        }
    }

    // Only the literal boolean False switches a check off; anything else leaves it on.
    private static bool IsFalse(Item? item) => item is BoolItem { Value: false };

    private static void Info(Invocation inv, string text)
    {
        if (inv.Modules.Log.IsEnabled(LogClass.Info))
        {
            inv.Modules.Log.Log(LogClass.Info, text);
        }
    }

    // Argument errors are reported at the argument, like 0.6.7 (config.md §4.2, §4.12); like
    // the shared reader's "at item" errors, an item without a location gives none.
    private static ConfigException At(Item item, string facility, string text) =>
        new(facility, item.Location, text);
}
