using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace Secnet.Runtime;

/// <summary>
/// The published daemon is two Native AOT builds of the same code (see Secnet.csproj): `secnet`
/// for any x86-64-v2 CPU, and `secnet.x86-64-v3` beside it with AVX2 (the 8-block Serpent
/// kernel) and BMI2. Native AOT cannot choose between them inside one binary, so the baseline
/// binary, first thing, replaces itself with the v3 one when the CPU has every v3 feature. The
/// argument vector is passed on unchanged (argv[0] included), so the program behaves the same.
/// <c>SECNET_NATIVE_VARIANT=baseline</c> keeps the baseline binary (to test it, or to rule the
/// v3 build out); <c>SECNET_SERPENT_KERNEL</c> lowers the kernel inside either.
/// </summary>
internal static class NativeVariant
{
    public const string EnvironmentVariable = "SECNET_NATIVE_VARIANT";
    public const string V3Suffix = ".x86-64-v3";

    // What the .NET runtime requires of an x86-64-v3 binary, as /proc/cpuinfo names it (the kernel
    // shows avx/avx2 only when it saves their registers, so the OS side is covered too).
    private static readonly string[] V3Flags = ["avx", "avx2", "bmi1", "bmi2", "fma", "f16c", "movbe", "abm"];

    /// <summary>Returns only if this binary should run; otherwise the process is the v3 build now.</summary>
    public static void SwitchIfBetter()
    {
        // The JIT picks the best instructions itself, and the v3 build already has AVX2.
        if (RuntimeFeature.IsDynamicCodeSupported || Avx2.IsSupported || !X86Base.IsSupported)
            return;
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) == "baseline")
            return;
        string? self = Environment.ProcessPath;
        if (self is null || !File.Exists(self + V3Suffix) || !CpuHasFlags(ReadCpuFlags(), V3Flags))
            return;
        ExecKeepingArguments(self + V3Suffix);
    }

    internal static bool CpuHasFlags(string? flagsLine, string[] wanted)
    {
        if (flagsLine is null)
            return false;
        var have = new HashSet<string>(flagsLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
        foreach (var flag in wanted)
        {
            if (!have.Contains(flag))
                return false;
        }
        return true;
    }

    /// <summary>The first "flags : ..." line of /proc/cpuinfo (every CPU of a machine shares it).</summary>
    private static string? ReadCpuFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is var colon and > 0)
                    return line[(colon + 1)..];
            }
        }
        catch (IOException)
        {
            // No procfs: stay on the baseline build, which runs everywhere.
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }

    private static unsafe void ExecKeepingArguments(string path)
    {
        byte[] cmdline;
        try
        {
            cmdline = File.ReadAllBytes("/proc/self/cmdline");
        }
        catch (IOException)
        {
            return;
        }
        // cmdline is argv as NUL-terminated strings back to back.
        var offsets = new List<int>();
        for (int start = 0; start < cmdline.Length;)
        {
            offsets.Add(start);
            int end = Array.IndexOf(cmdline, (byte)0, start);
            start = end < 0 ? cmdline.Length : end + 1;
        }
        byte[] pathBytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* args = cmdline)
        fixed (byte* p = pathBytes)
        {
            byte** argv = stackalloc byte*[offsets.Count + 1];
            for (int i = 0; i < offsets.Count; i++)
                argv[i] = args + offsets[i];
            argv[offsets.Count] = null;
            // Only a failed exec returns; the baseline build still works, so carry on in it.
            Interop.Libc.Execv(p, argv);
        }
    }
}
