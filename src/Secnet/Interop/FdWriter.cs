using System.Text;

namespace Secnet.Interop;

/// <summary>Whole-buffer writes to a raw file descriptor, retrying short writes and EINTR.</summary>
internal static class FdWriter
{
    /// <summary>Writes all of <paramref name="text"/> as UTF-8; returns 0 or the errno of the failure.</summary>
    public static int WriteAll(int fd, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return WriteAll(fd, bytes);
    }

    public static unsafe int WriteAll(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Libc.Write(fd, start + done, bytes.Length - done);
                if (n < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR)
                        continue;
                    return errno;
                }
                done += (int)n;
            }
        }
        return 0;
    }
}
