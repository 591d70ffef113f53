using System.Runtime.InteropServices;

namespace Secnet.Runtime.Native;

/// <summary>
/// The few libc calls the process side needs that .NET does not expose. glibc's wrappers are used
/// on purpose: its setuid/setgid/setgroups broadcast the change to every thread (setxid), which a
/// raw syscall would not, and .NET always runs several threads.
/// </summary>
internal static partial class Libc
{
    private const string Lib = "libc";

    public const int WNOHANG = 1;
    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_TRUNC = 0x200;
    public const int O_APPEND = 0x400;
    public const int EINTR = 4;
    public const int O_CLOEXEC = 0x80000;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;
    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getpid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getuid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int geteuid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getgid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int getegid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setuid(int uid);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setgid(int gid);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int initgroups(string user, int gid);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int setsid();

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int waitpid(int pid, out int status, int options);

    [LibraryImport(Lib, SetLastError = true)]
    public static unsafe partial int pipe2(int* fds, int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int dup(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int dup2(int oldfd, int newfd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openMode(string path, int flags, int mode);

    [LibraryImport(Lib, SetLastError = true)]
    public static unsafe partial nint write(int fd, byte* buf, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static unsafe partial nint read(int fd, byte* buf, nint count);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int mlockall(int flags);

    [LibraryImport(Lib, SetLastError = true)]
    public static partial int kill(int pid, int sig);

    [LibraryImport(Lib)]
    public static partial nint strerror(int errnum);

    [LibraryImport(Lib)]
    public static partial nint strsignal(int sig);

    [LibraryImport(Lib, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint getpwnam(string name);

    /// <summary>The C library's text for an errno value, exactly as secnet's messages print it.</summary>
    public static string StrError(int errno) =>
        Marshal.PtrToStringUTF8(strerror(errno)) ?? $"Unknown error {errno}";

    /// <summary>The C library's name for a signal (strsignal), for child-exit reports.</summary>
    public static string StrSignal(int sig) =>
        Marshal.PtrToStringUTF8(strsignal(sig)) ?? $"Unknown signal {sig}";
}
