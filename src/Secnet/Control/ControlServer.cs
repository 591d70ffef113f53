using System.Net.Sockets;
using Secnet.Interop;

namespace Secnet.Control;

/// <summary>
/// The control socket: a Unix stream socket that only the file's permissions guard (root, mode
/// 0600, or 0660 for <c>control-socket-group</c>), so nothing on it is reachable from the network.
/// Opened while still root (GETRESOURCES); served from RUN (<see cref="BoundedSocketServer"/>);
/// unlinked at SHUTDOWN.
/// </summary>
public sealed class ControlServer : BoundedSocketServer
{
    private readonly Func<ControlRequest, ControlResponse> _handler;
    private readonly string _path;
    private int _unlinked;

    private ControlServer(Socket listener, string path, Func<ControlRequest, ControlResponse> handler) : base(listener)
    {
        _path = path;
        _handler = handler;
    }

    public string Path => _path;

    /// <summary>
    /// Binds and listens at <paramref name="path"/>: makes its directory (0755) if missing,
    /// removes a stale socket (one nobody listens on) but never a live one or another kind of
    /// file, and sets owner and mode before listening, so no one connects before they are right.
    /// Throws <see cref="IOException"/> with the reason.
    /// </summary>
    public static ControlServer Open(string path, uint? group, Func<ControlRequest, ControlResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (OperatingSystem.IsWindows()) throw new IOException("control socket: Unix only");
        var dir = System.IO.Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir) && !Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
        RemoveStale(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            // Not listening yet: a connect now is refused, so the window before chmod is harmless.
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            if (group is { } gid)
            {
                if (Libc.Chown(path, uint.MaxValue, gid) != 0)
                    throw new IOException($"control socket {path}: chown to group {gid}: {Errno.Describe(Errno.Last)}");
                mode |= UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
            }
            File.SetUnixFileMode(path, mode);
            listener.Listen(Backlog);
            return new ControlServer(listener, path, handler);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new IOException($"control socket {path}: {e.Message}", e);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>A socket left by a daemon that died is removed; one a daemon listens on is not.</summary>
    private static void RemoveStale(string path)
    {
        if (Libc.FileMode(path) is not { } mode) return;
        if ((mode & Libc.S_IFMT) != Libc.S_IFSOCK)
            throw new IOException($"control socket {path}: exists and is not a socket");
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            File.Delete(path);
            return;
        }
        throw new IOException($"control socket {path}: in use (another secnet is running?)");
    }

    protected override void Serve(Socket client)
    {
        var line = ReadRequest(client, "\n", ControlProtocol.MaxRequestBytes);
        ControlResponse response;
        if (line is null)
            response = ControlResponse.Failure(ControlProtocol.BadRequest,
                $"no request line (at most {ControlProtocol.MaxRequestBytes} bytes, within {RequestTimeoutMs / 1000} s)");
        else if (!ControlProtocol.TryParseRequest(line.TrimEnd('\n'), out var request, out var code, out var error))
            response = ControlResponse.Failure(code, error);
        else
            response = OnLoop(() => _handler(request))
                ?? ControlResponse.Failure(ControlProtocol.Busy, $"the daemon did not answer within {LoopTimeoutMs / 1000} s");
        SendAll(client, ControlProtocol.FormatResponse(response));
    }

    /// <summary>Stops serving and removes the socket file.</summary>
    public override void Dispose()
    {
        base.Dispose();
        if (Interlocked.Exchange(ref _unlinked, 1) == 0)
        {
            try
            {
                File.Delete(_path);
            }
            catch (IOException)
            {
                // Already gone, or its directory is; nothing is left to clean.
            }
            catch (UnauthorizedAccessException)
            {
                // After dropping privileges the directory may not be ours to change (userid).
            }
        }
    }
}
