using System.Runtime.InteropServices;
using Secnet.Runtime.Native;

namespace Secnet.Runtime;

/// <summary>A passwd entry as <c>system/userid</c> needs it: name, uid, primary gid.</summary>
public sealed record UserAccount(string Name, int Uid, int Gid)
{
    /// <summary>getpwnam; fatal <c>userid "X" not found</c> when there is no such user.</summary>
    public static UserAccount Lookup(string name) =>
        TryLookup(name) ?? throw new SecnetFatalException($"userid \"{name}\" not found");

    public static UserAccount? TryLookup(string name)
    {
        var entry = Libc.getpwnam(name);
        if (entry == 0)
            return null;
        // struct passwd { char *pw_name; char *pw_passwd; uid_t pw_uid; gid_t pw_gid; ... }
        var idsOffset = 2 * IntPtr.Size;
        var uid = Marshal.ReadInt32(entry, idsOffset);
        var gid = Marshal.ReadInt32(entry, idsOffset + 4);
        return new UserAccount(name, uid, gid);
    }
}
