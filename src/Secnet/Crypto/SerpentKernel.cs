using System.Runtime.Intrinsics.X86;

namespace Secnet.Crypto;

/// <summary>The Serpent block kernels, slowest first.</summary>
public enum SerpentKernelKind
{
    /// <summary>One block at a time, plain 32-bit arithmetic.</summary>
    Scalar,

    /// <summary>Four blocks per pass in 128-bit registers (SSE2 + SSSE3).</summary>
    Sse,

    /// <summary>Eight blocks per pass in 256-bit registers.</summary>
    Avx2,
}

/// <summary>
/// Which kernel this process uses: the best the CPU and this build allow, or a lower one named
/// by <c>SECNET_SERPENT_KERNEL</c> (<c>scalar</c>, <c>sse</c>, <c>avx2</c>). Forcing a lower kernel
/// lets the tests exercise every path on one machine and lets a user rule a kernel out; a name
/// above what the CPU can do, or an unknown name, leaves the best kernel in place.
/// </summary>
public static class SerpentKernel
{
    public const string EnvironmentVariable = "SECNET_SERPENT_KERNEL";

    /// <summary>Read once: the data path tests it per batch, not the environment.</summary>
    public static SerpentKernelKind Active { get; } = Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), Best);

    /// <summary>The best kernel this CPU and this build support.</summary>
    public static SerpentKernelKind Best =>
        Avx2.IsSupported ? SerpentKernelKind.Avx2
        : Sse2.IsSupported && Ssse3.IsSupported ? SerpentKernelKind.Sse
        : SerpentKernelKind.Scalar;

    public static string Name(SerpentKernelKind kind) => kind switch
    {
        SerpentKernelKind.Avx2 => "avx2",
        SerpentKernelKind.Sse => "sse",
        _ => "scalar",
    };

    internal static SerpentKernelKind Choose(string? forced, SerpentKernelKind best)
    {
        SerpentKernelKind? wanted = forced?.Trim().ToLowerInvariant() switch
        {
            "scalar" => SerpentKernelKind.Scalar,
            "sse" => SerpentKernelKind.Sse,
            "avx2" => SerpentKernelKind.Avx2,
            _ => null,
        };
        return wanted is { } w && w < best ? w : best;
    }
}
