using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Secnet.Crypto;

/// <summary>open(2)/read(2) on a path with the exact errno text, because secnet's messages
/// quote strerror() and .NET's exceptions lose the errno (e.g. ENOTDIR, or a directory,
/// which open(2) accepts but FileStream refuses).</summary>
internal static partial class PosixFile
{
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC on Linux
    private const int Eintr = 4;

    /// <summary>Opens <paramref name="path"/> read-only; on failure <paramref name="error"/>
    /// is strerror(errno).</summary>
    public static bool TryOpen(string path, out SafeFileHandle? handle, out string? error)
    {
        int fd;
        do
        {
            fd = Open(path, ReadOnlyCloseOnExec);
        }
        while (fd < 0 && Marshal.GetLastPInvokeError() == Eintr);

        if (fd < 0)
        {
            handle = null;
            error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
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
                    nint n = ReadNative(fd, buffer, destination.Length);
                    if (n >= 0)
                    {
                        return (int)n;
                    }

                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Eintr)
                    {
                        error = Marshal.GetPInvokeErrorMessage(errno);
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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint ReadNative(int fd, byte* buffer, nint count);
}
