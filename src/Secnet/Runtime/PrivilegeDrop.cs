using System.Runtime.InteropServices;
using Secnet.Config;
using Secnet.Runtime.Native;

namespace Secnet.Runtime;

/// <summary>
/// DROPPRIV: become <c>system/userid</c> for good (runtime.md §2). glibc's setgid/initgroups/setuid
/// apply the change to every thread of the process, which matters because .NET always has several.
/// </summary>
public static class PrivilegeDrop
{
    public static void To(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user.Name);
        var uid = (int)user.Uid;
        var gid = (int)user.Gid;
        if (Libc.setgid(gid) != 0)
            throw SecnetFatalException.WithErrno($"can't set gid to {user.Gid}", Marshal.GetLastPInvokeError());
        if (Libc.initgroups(user.Name, gid) != 0)
            throw SecnetFatalException.WithErrno("initgroups", Marshal.GetLastPInvokeError());
        if (Libc.setuid(uid) != 0)
            throw SecnetFatalException.WithErrno($"can't set uid to \"{user.Name}\"", Marshal.GetLastPInvokeError());
        if (Libc.getuid() != uid || Libc.geteuid() != uid || Libc.getgid() != gid || Libc.getegid() != gid)
            throw new SecnetFatalException($"privilege drop to \"{user.Name}\" did not take effect");
    }
}
