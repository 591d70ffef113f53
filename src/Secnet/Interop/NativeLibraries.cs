using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>The shared libraries we load by name, checked at start-up so that a missing one
/// stops secnet with the Debian package to install, not with a DllNotFoundException in the
/// middle of the first key exchange.</summary>
internal static class NativeLibraries
{
    private static readonly (string Library, string Package, string Use)[] Required =
    [
        (LibCrypto.Lib, "libssl3 (libssl3t64 from Debian 13)", "OpenSSL's big-number arithmetic, used for key exchange and keys"),
        (LibGmp.Lib, "libgmp10", "GMP, used to check Diffie-Hellman moduli"),
        (LibMd.Lib, "libmd0", "the message digests (MD5, SHA-1, SHA-512) of key exchange and keys"),
    ];

    /// <summary>Null when every library loads, else one line per missing library.</summary>
    public static string? FindMissing()
    {
        List<string>? missing = null;
        foreach (var (library, package, use) in Required)
        {
            string? problem = Probe(library, package, use);
            if (problem is not null)
            {
                (missing ??= []).Add(problem);
            }
        }

        return missing is null ? null : string.Join("\n", missing);
    }

    /// <summary>The complaint for <paramref name="library"/>, or null if it loads.</summary>
    public static string? Probe(string library, string package, string use)
    {
        if (NativeLibrary.TryLoad(library, out nint loaded))
        {
            // Loaded libraries stay loaded for the process; this only drops our extra reference.
            NativeLibrary.Free(loaded);
            return null;
        }

        return $"cannot load {library} ({use}): install Debian's {package} package";
    }
}
