using System.Runtime.InteropServices;

namespace Secnet.Interop;

/// <summary>errno values the daemon reacts to, and secnet-style error texts.</summary>
internal static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int EINVAL = 22;
    public const int EMSGSIZE = 90;
    public const int ENOPROTOOPT = 92;
    public const int EOPNOTSUPP = 95;
    public const int ENETUNREACH = 101;

    /// <summary>strerror(errno), e.g. "No such file or directory": the one errno-to-text helper, so
    /// every message ends the way secnet's do (.NET's own exception texts differ).</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>errno of the last failed P/Invoke call.</summary>
    public static int Last => Marshal.GetLastPInvokeError();
}
