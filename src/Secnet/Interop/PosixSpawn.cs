using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// Starts a child with posix_spawnp: chosen fds become its stdin/stdout, every other fd above 2
/// is closed in the child (so nothing of ours leaks into it, whatever its close-on-exec flag),
/// signal dispositions and mask are reset (the .NET runtime ignores SIGPIPE and a child must not
/// inherit that), and optionally the child gets its own session (setsid), as secnet's
/// userv-ipif child does.
/// </summary>
internal static unsafe partial class PosixSpawn
{
    private const short POSIX_SPAWN_SETSIGDEF = 0x04;
    private const short POSIX_SPAWN_SETSIGMASK = 0x08;
    private const short POSIX_SPAWN_SETSID = 0x80;

    // glibc's opaque types are 336 (attr), 80 (file actions) and 128 (sigset_t) bytes on 64-bit;
    // over-allocating keeps us safe if a libc grows them.
    private const int OpaqueSize = 1024;

    /// <summary>Spawns <paramref name="file"/> (PATH search as execvp). Returns 0 and the pid,
    /// or the error number posix_spawnp reported (e.g. ENOENT when the program does not exist).
    /// <paramref name="stdinFd"/>/<paramref name="stdoutFd"/> of -1 inherit ours.</summary>
    public static int Spawn(string file, IReadOnlyList<string> argv, int stdinFd, int stdoutFd,
        bool newSession, out int pid)
    {
        pid = -1;
        var fileActions = NativeMemory.AllocZeroed(OpaqueSize);
        var attributes = NativeMemory.AllocZeroed(OpaqueSize);
        var signals = NativeMemory.AllocZeroed(OpaqueSize);
        var nativeArgv = ToNativeStringArray(argv);
        var nativeEnvironment = ToNativeStringArray(CurrentEnvironment());
        var nativeFile = Marshal.StringToCoTaskMemUTF8(file);
        try
        {
            Check(posix_spawn_file_actions_init(fileActions));
            if (stdinFd >= 0) Check(posix_spawn_file_actions_adddup2(fileActions, stdinFd, 0));
            if (stdoutFd >= 0) Check(posix_spawn_file_actions_adddup2(fileActions, stdoutFd, 1));
            Check(posix_spawn_file_actions_addclosefrom_np(fileActions, 3));

            Check(posix_spawnattr_init(attributes));
            var flags = (short)(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (newSession ? POSIX_SPAWN_SETSID : 0));
            Check(posix_spawnattr_setflags(attributes, flags));
            Check(sigfillset(signals));
            Check(posix_spawnattr_setsigdefault(attributes, signals));
            Check(sigemptyset(signals));
            Check(posix_spawnattr_setsigmask(attributes, signals));

            int childPid;
            var error = posix_spawnp(&childPid, (byte*)nativeFile, fileActions, attributes,
                (byte**)nativeArgv, (byte**)nativeEnvironment);
            if (error == 0) pid = childPid;
            return error;
        }
        finally
        {
            posix_spawn_file_actions_destroy(fileActions);
            posix_spawnattr_destroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            FreeNativeStringArray(nativeArgv);
            FreeNativeStringArray(nativeEnvironment);
            Marshal.FreeCoTaskMem(nativeFile);
        }
    }

    private static void Check(int result)
    {
        if (result != 0)
            throw new InvalidOperationException($"posix_spawn setup failed: {Errno.Describe(result < 0 ? Errno.Last : result)}");
    }

    /// <summary>The environment as the managed side sees it (it may differ from libc's environ).</summary>
    private static List<string> CurrentEnvironment()
    {
        var entries = new List<string>();
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
            entries.Add($"{entry.Key}={entry.Value}");
        return entries;
    }

    private static nint ToNativeStringArray(IReadOnlyList<string> strings)
    {
        var array = (nint*)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < strings.Count; i++) array[i] = Marshal.StringToCoTaskMemUTF8(strings[i]);
        return (nint)array;
    }

    private static void FreeNativeStringArray(nint arrayPointer)
    {
        var array = (nint*)arrayPointer;
        for (var i = 0; array[i] != 0; i++) Marshal.FreeCoTaskMem(array[i]);
        NativeMemory.Free(array);
    }

    [LibraryImport("libc")]
    private static partial int posix_spawnp(int* pid, byte* file, void* fileActions, void* attributes, byte** argv, byte** environment);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_init(void* fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_destroy(void* fileActions);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);

    [LibraryImport("libc")]
    private static partial int posix_spawn_file_actions_addclosefrom_np(void* fileActions, int lowFd);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_init(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_destroy(void* attributes);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setflags(void* attributes, short flags);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigdefault(void* attributes, void* signals);

    [LibraryImport("libc")]
    private static partial int posix_spawnattr_setsigmask(void* attributes, void* signals);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigfillset(void* signals);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sigemptyset(void* signals);
}
