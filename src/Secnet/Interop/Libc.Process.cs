using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>Processes, identities, signals and namespaces.</summary>
internal static unsafe partial class Libc
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    public const int WNOHANG = 1;

    public const int MCL_CURRENT = 1;
    public const int MCL_FUTURE = 2;

    public const int FNM_NOMATCH = 1;

    [LibraryImport(Lib, EntryPoint = "getuid")]
    public static partial int GetUid();

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial int GetEUid();

    [LibraryImport(Lib, EntryPoint = "getgid")]
    public static partial int GetGid();

    [LibraryImport(Lib, EntryPoint = "getegid")]
    public static partial int GetEGid();

    [LibraryImport(Lib, EntryPoint = "setuid", SetLastError = true)]
    public static partial int SetUid(int uid);

    [LibraryImport(Lib, EntryPoint = "setgid", SetLastError = true)]
    public static partial int SetGid(int gid);

    [LibraryImport(Lib, EntryPoint = "initgroups", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int InitGroups(string user, int gid);

    /// <summary>getpwnam(3): a struct passwd* owned by libc, or 0 if there is no such user.</summary>
    [LibraryImport(Lib, EntryPoint = "getpwnam", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetPwNam(string name);

    [LibraryImport(Lib, EntryPoint = "setsid", SetLastError = true)]
    public static partial int SetSid();

    [LibraryImport(Lib, EntryPoint = "mlockall", SetLastError = true)]
    public static partial int MLockAll(int flags);

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Lib, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    /// <summary>strsignal(3), e.g. "Terminated"; the pointer is libc's.</summary>
    [LibraryImport(Lib, EntryPoint = "strsignal")]
    public static partial nint StrSignal(int signal);

    [LibraryImport(Lib, EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int namespaceType);

    /// <summary>execv(2): replaces this process image (the native-variant switch at start-up).</summary>
    [LibraryImport(Lib, EntryPoint = "execv", SetLastError = true)]
    public static partial int Execv(byte* path, byte** argv);

    /// <summary>fnmatch(3): 0 = match, <see cref="FNM_NOMATCH"/>, anything else = error. libc's,
    /// so polypath's interface globs behave exactly as secnet's.</summary>
    [LibraryImport(Lib, EntryPoint = "fnmatch", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FnMatch(string pattern, string name, int flags);
}
