using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>execv(2): replacing this process image (the native-variant switch at start-up).</summary>
internal static unsafe partial class Exec
{
    [LibraryImport("libc", EntryPoint = "execv", SetLastError = true)]
    public static partial int Execv(byte* path, byte** argv);
}
