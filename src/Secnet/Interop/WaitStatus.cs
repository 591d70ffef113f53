using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>A waitpid() status word, decoded and described the way secnet's lg_exitstatus does.</summary>
internal readonly struct WaitStatus(int raw)
{
    public int Raw { get; } = raw;

    public bool Exited => (Raw & 0x7f) == 0;
    public int ExitCode => (Raw >> 8) & 0xff;
    public bool Signaled => ((Raw & 0x7f) + 1) >> 1 > 0 && (Raw & 0x7f) != 0x7f;
    public int Signal => Raw & 0x7f;
    public bool CoreDumped => (Raw & 0x80) != 0;

    /// <summary>"exited", "exited with error exit status N", "died due to fatal signal NAME (N)[ (core dumped)]"
    /// or "died with unknown wait status N" (to follow "<c>prog</c> ").</summary>
    public string Describe()
    {
        if (Exited) return ExitCode == 0 ? "exited" : $"exited with error exit status {ExitCode}";
        if (Signaled)
            return $"died due to fatal signal {SignalName(Signal)} ({Signal}){(CoreDumped ? " (core dumped)" : "")}";
        return $"died with unknown wait status {Raw}";
    }

    /// <summary>strsignal(3), e.g. "Terminated".</summary>
    public static string SignalName(int signal) => Marshal.PtrToStringUTF8(Libc.StrSignal(signal)) ?? $"Unknown signal {signal}";
}
