using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>
/// Starts a child with posix_spawnp: chosen fds become its stdin/stdout, every other fd above 2
/// is closed in the child (so nothing of ours leaks into it, whatever its close-on-exec flag),
/// signal dispositions and mask are reset (the .NET runtime ignores SIGPIPE and a child must not
/// inherit that), and optionally the child gets its own session (setsid), as secnet's
/// userv-ipif child does.
/// </summary>
internal static unsafe class PosixSpawn
{
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
            Check(Libc.PosixSpawnFileActionsInit(fileActions));
            if (stdinFd >= 0) Check(Libc.PosixSpawnFileActionsAddDup2(fileActions, stdinFd, 0));
            if (stdoutFd >= 0) Check(Libc.PosixSpawnFileActionsAddDup2(fileActions, stdoutFd, 1));
            Check(Libc.PosixSpawnFileActionsAddCloseFrom(fileActions, 3));

            Check(Libc.PosixSpawnAttrInit(attributes));
            var flags = (short)(Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK | (newSession ? Libc.POSIX_SPAWN_SETSID : 0));
            Check(Libc.PosixSpawnAttrSetFlags(attributes, flags));
            Check(Libc.SigFillSet(signals));
            Check(Libc.PosixSpawnAttrSetSigDefault(attributes, signals));
            Check(Libc.SigEmptySet(signals));
            Check(Libc.PosixSpawnAttrSetSigMask(attributes, signals));

            int childPid;
            var error = Libc.PosixSpawnP(&childPid, (byte*)nativeFile, fileActions, attributes,
                (byte**)nativeArgv, (byte**)nativeEnvironment);
            if (error == 0) pid = childPid;
            return error;
        }
        finally
        {
            Libc.PosixSpawnFileActionsDestroy(fileActions);
            Libc.PosixSpawnAttrDestroy(attributes);
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
}
