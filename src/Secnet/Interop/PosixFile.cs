using Microsoft.Win32.SafeHandles;

namespace Secnet.Interop;

/// <summary>open(2)/read(2) on a path with the exact errno text, because secnet's messages
/// quote strerror() and .NET's exceptions lose the errno (e.g. ENOTDIR, or a directory,
/// which open(2) accepts but FileStream refuses).</summary>
internal static class PosixFile
{
    /// <summary>Opens <paramref name="path"/> read-only; on failure <paramref name="error"/>
    /// is strerror(errno).</summary>
    public static bool TryOpen(string path, out SafeFileHandle? handle, out string? error)
    {
        int fd;
        do
        {
            fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        }
        while (fd < 0 && Errno.Last == Errno.EINTR);

        if (fd < 0)
        {
            handle = null;
            error = Errno.Describe(Errno.Last);
            return false;
        }

        handle = new SafeFileHandle(fd, ownsHandle: true);
        error = null;
        return true;
    }

    /// <summary>One read(2) (retried on EINTR): bytes read, 0 at end of file, −1 with
    /// <paramref name="error"/> set on failure.</summary>
    public static unsafe int Read(SafeFileHandle handle, Span<byte> destination, out string? error)
    {
        error = null;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            fixed (byte* buffer = destination)
            {
                while (true)
                {
                    nint n = Libc.Read(fd, buffer, destination.Length);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    int errno = Errno.Last;
                    if (errno != Errno.EINTR)
                    {
                        error = Errno.Describe(errno);
                        return -1;
                    }
                }
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Reads up to <paramref name="limit"/> bytes from the start of a file. A read
    /// error after a successful open ends the data (like a failing fread), so the caller
    /// sees a short file rather than an open failure.</summary>
    public static bool TryReadPrefix(string path, int limit, out byte[] contents, out string? openError)
    {
        contents = [];
        if (!TryOpen(path, out SafeFileHandle? handle, out openError))
        {
            return false;
        }

        using (handle)
        {
            byte[] buffer = new byte[limit];
            int total = 0;
            while (total < limit)
            {
                int n = Read(handle!, buffer.AsSpan(total), out _);
                if (n <= 0)
                {
                    break;
                }

                total += n;
            }

            contents = buffer.AsSpan(0, total).ToArray();
            return true;
        }
    }
}
