using Secnet.Config;
using Secnet.Interop;

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
        if (Libc.SetGid(gid) != 0)
            throw SecnetFatalException.WithErrno($"can't set gid to {user.Gid}", Errno.Last);
        if (Libc.InitGroups(user.Name, gid) != 0)
            throw SecnetFatalException.WithErrno("initgroups", Errno.Last);
        if (Libc.SetUid(uid) != 0)
            throw SecnetFatalException.WithErrno($"can't set uid to \"{user.Name}\"", Errno.Last);
        if (Libc.GetUid() != uid || Libc.GetEUid() != uid || Libc.GetGid() != gid || Libc.GetEGid() != gid)
            throw new SecnetFatalException($"privilege drop to \"{user.Name}\" did not take effect");
    }
}
