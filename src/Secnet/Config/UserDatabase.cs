using System.Runtime.InteropServices;
using Secnet.Interop;

namespace Secnet.Config;

/// <summary>A user account as <c>system/userid</c> names it.</summary>
public readonly record struct UserAccount(string Name, uint Uid, uint Gid);

/// <summary>Looks users up with the C library's getpwnam, so NSS sources (LDAP, ...) work too.</summary>
public static class UserDatabase
{
    /// <summary>The account called <paramref name="name"/>, or null if there is none.</summary>
    public static UserAccount? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD()) return null;
        nint pw = Libc.GetPwNam(name);
        if (pw == 0) return null;
        // struct passwd: char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ...
        int idOffset = 2 * IntPtr.Size;
        uint uid = (uint)Marshal.ReadInt32(pw, idOffset);
        uint gid = (uint)Marshal.ReadInt32(pw, idOffset + 4);
        return new UserAccount(name, uid, gid);
    }
}
