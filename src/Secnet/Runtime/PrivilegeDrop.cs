using System.Runtime.InteropServices;
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
        if (Libc.setgid(user.Gid) != 0)
            throw SecnetFatalException.WithErrno($"can't set gid to {user.Gid}", Marshal.GetLastPInvokeError());
        if (Libc.initgroups(user.Name, user.Gid) != 0)
            throw SecnetFatalException.WithErrno("initgroups", Marshal.GetLastPInvokeError());
        if (Libc.setuid(user.Uid) != 0)
            throw SecnetFatalException.WithErrno($"can't set uid to \"{user.Name}\"", Marshal.GetLastPInvokeError());
        if (Libc.getuid() != user.Uid || Libc.geteuid() != user.Uid
            || Libc.getgid() != user.Gid || Libc.getegid() != user.Gid)
            throw new SecnetFatalException($"privilege drop to \"{user.Name}\" did not take effect");
    }
}
