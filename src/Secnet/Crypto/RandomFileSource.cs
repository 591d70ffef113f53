using Microsoft.Win32.SafeHandles;
using Secnet.Interop;

namespace Secnet.Crypto;

/// <summary><c>randomfile(FILENAME[, BLOCKING])</c> (crypto.md §9, runtime.md §10): bytes
/// are read from the file in request order, so a fixed regular file reproduces the exact
/// nonces and DH secrets secnet consumed from it.</summary>
public sealed class RandomFileSource : IRandomSource, IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly Lock _gate = new();

    private RandomFileSource(string path, bool blocking, SafeFileHandle handle)
    {
        Path = path;
        Blocking = blocking;
        _handle = handle;
    }

    public string Path { get; }

    /// <summary>Recorded like secnet's flag; it does not change how the file is read.</summary>
    public bool Blocking { get; }

    /// <summary>Opens the file now (secnet does so at config time, also under -j).
    /// <paramref name="error"/> is secnet's text without the facility prefix:
    /// <c>cannot open NAME: strerror</c>.</summary>
    public static bool TryOpen(string path, bool blocking, out RandomFileSource? source, out string? error)
    {
        source = null;
        if (!PosixFile.TryOpen(path, out SafeFileHandle? handle, out string? osError))
        {
            error = $"cannot open {path}: {osError}";
            return false;
        }

        error = null;
        source = new RandomFileSource(path, blocking, handle!);
        return true;
    }

    /// <summary>Fills the whole span. secnet aborts on a short read; we retry partial reads
    /// (a device may return less) and throw only at end of file or on a read error, which
    /// the daemon must treat as fatal.</summary>
    public void Fill(Span<byte> destination)
    {
        lock (_gate)
        {
            int total = 0;
            while (total < destination.Length)
            {
                int n = PosixFile.Read(_handle, destination[total..], out string? error);
                if (n < 0)
                {
                    throw new IOException($"randomsource: error reading {Path}: {error}");
                }

                if (n == 0)
                {
                    throw new IOException($"randomsource: unexpected end of file reading {Path}");
                }

                total += n;
            }
        }
    }

    public void Dispose() => _handle.Dispose();
}
