using Secnet.Crypto;
using Microsoft.Win32.SafeHandles;
using Secnet.Interop;

namespace Secnet.Tools.KeyGen;

/// <summary>
/// Writes secnet-keygen's files so that nothing else can be made to receive or read them. A file
/// is only ever created, with O_CREAT|O_EXCL|O_NOFOLLOW: a symlink planted at the path (even a
/// dangling one) is refused instead of followed, and the mode is set on the new file before any
/// byte is written, whatever the umask. Overwriting (-y) writes such a fresh file beside the old
/// one and renames it over: atomic, the old file's mode and owner go with it, and a symlink in its
/// place is replaced, never written through.
/// </summary>
internal static class KeyFileWriter
{
    public static bool TryWrite(string path, ReadOnlySpan<byte> contents, UnixFileMode mode, bool overwrite, out string? error)
    {
        if (!overwrite) return TryCreate(path, contents, mode, out error);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        Span<byte> nonce = stackalloc byte[6];
        SystemRandom.Fill(nonce);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Convert.ToHexStringLower(nonce)}.tmp");
        if (!TryCreate(temporary, contents, mode, out error)) return false;
        try
        {
            File.Move(temporary, path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            error = $"{path}: {e.Message}";
            return false;
        }
    }

    /// <summary>True if anything is at <paramref name="path"/>, a dangling symlink included.</summary>
    public static bool Occupied(string path) =>
        File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static bool TryCreate(string path, ReadOnlySpan<byte> contents, UnixFileMode mode, out string? error)
    {
        int fd;
        do
        {
            fd = Libc.Open(path, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_EXCL | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, (int)mode);
        }
        while (fd < 0 && Errno.Last == Errno.EINTR);
        if (fd < 0)
        {
            error = $"{path}: {Errno.Describe(Errno.Last)}";
            return false;
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            // open's mode passed through the umask; the key's mode is not the umask's to choose.
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(handle, mode);
            using var stream = new FileStream(handle, FileAccess.Write);
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            handle.Dispose();
            File.Delete(path);
            error = $"{path}: {e.Message}";
            return false;
        }
    }
}
