using Secnet.Interop;

namespace Secnet.Config;

/// <summary>
/// The C library's strerror text for a failed file operation, because secnet's messages end with it
/// (<c>... cannot open file "x": No such file or directory</c>).
/// </summary>
public static class SystemErrorText
{
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        int errno = e switch
        {
            FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
            UnauthorizedAccessException => Errno.EACCES,
            IOException io when io.HResult is > 0 and < 4096 => io.HResult,
            _ => 0,
        };
        return errno != 0 ? Errno.Describe(errno) : e.Message;
    }
}
