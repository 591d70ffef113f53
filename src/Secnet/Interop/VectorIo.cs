using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>readv/writev, so a tun's virtio header and the packet behind it move in one system
/// call without being copied together first.</summary>
internal static unsafe partial class VectorIo
{
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "readv", SetLastError = true)]
    public static partial nint ReadV(int fd, IoVec* vectors, int count);

    [LibraryImport("libc", EntryPoint = "writev", SetLastError = true)]
    public static partial nint WriteV(int fd, IoVec* vectors, int count);
}
