using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>The libc calls of the control socket (Control/): its group and its owner.</summary>
internal static unsafe partial class Libc
{
    /// <summary>getgrnam(3): a struct group* owned by libc, or 0 if there is no such group.</summary>
    [LibraryImport(Lib, EntryPoint = "getgrnam", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetGrNam(string name);

    [LibraryImport(Lib, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Chown(string path, uint owner, uint group);
}

internal static unsafe partial class Libc
{
    public const uint S_IFMT = 0xF000;
    public const uint S_IFSOCK = 0xC000;

    [LibraryImport(Lib, EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, byte* buf);

    /// <summary>lstat(2)'s st_mode (type and permission bits), or null with errno set. The
    /// struct's layout is the kernel's for the architecture: st_mode follows st_dev, st_ino and
    /// (x86-64) st_nlink.</summary>
    public static uint? FileMode(string path)
    {
        byte* buf = stackalloc byte[256];
        if (LStat(path, buf) != 0) return null;
        int offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        return *(uint*)(buf + offset);
    }
}
