using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// Every libc call the daemon makes, each declared once, with blittable signatures so no
/// marshalling (and no allocation) happens on the packet path. Callers read errno with
/// <see cref="Errno.Last"/> and turn it into text with <see cref="Errno.Describe"/>. This file
/// holds descriptors and files; sockets, processes and spawning are in the other Libc.*.cs files.
/// glibc's wrappers are used on purpose, not raw syscalls: e.g. its setuid/setgid broadcast the
/// change to every thread (setxid), and .NET always runs several threads.
/// </summary>
internal static unsafe partial class Libc
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_EXCL = 0x80;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int O_NONBLOCK = 0x800;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_CLOEXEC = 0x80000;

    public const int F_SETFD = 2;
    public const int F_GETFL = 3;
    public const int F_SETFL = 4;
    public const int FD_CLOEXEC = 1;

    public const short POLLIN = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    /// <summary>struct iovec, for readv/writev and the msghdr of sendmsg/recvmsg/sendmmsg/recvmmsg.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    /// <summary>open(2). <paramref name="mode"/> is the variadic third argument, read by the kernel
    /// only with O_CREAT; on x86-64 and aarch64 Linux passing it always is harmless.</summary>
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode = 0);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nint count);

    /// <summary>getrandom(2) from the kernel's CSPRNG, blocking only until it is first seeded.</summary>
    [LibraryImport(Lib, EntryPoint = "getrandom", SetLastError = true)]
    public static partial nint GetRandom(byte* buffer, nuint count, uint flags);

    /// <summary>readv: a tun's virtio header and the packet behind it in one call, uncopied.</summary>
    [LibraryImport(Lib, EntryPoint = "readv", SetLastError = true)]
    public static partial nint ReadV(int fd, IoVec* vectors, int count);

    [LibraryImport(Lib, EntryPoint = "writev", SetLastError = true)]
    public static partial nint WriteV(int fd, IoVec* vectors, int count);

    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport(Lib, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Lib, EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport(Lib, EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int oldFd, int newFd);

    /// <summary>Sets or clears O_NONBLOCK; returns errno (0 on success).</summary>
    public static int SetNonBlocking(int fd, bool nonBlocking)
    {
        var flags = Fcntl(fd, F_GETFL, 0);
        if (flags < 0) return Errno.Last;
        flags = nonBlocking ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        return Fcntl(fd, F_SETFL, flags) < 0 ? Errno.Last : 0;
    }
}
