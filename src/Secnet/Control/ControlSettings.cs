using System.Net;
using System.Runtime.InteropServices;
using Secnet.Config;
using Secnet.Interop;

namespace Secnet.Control;

/// <summary>
/// The <c>system</c> keys of the control socket and the metrics listener (our additions; 0.6.7
/// ignores keys it does not know, so one configuration serves both):
/// <c>control-socket</c> (path; <c>""</c> turns it off; default <see cref="DefaultSocketPath"/>),
/// <c>control-socket-group</c> (a group that may use it: mode 0660 instead of 0600) and
/// <c>metrics-listen</c> (address:port of the Prometheus listener; off unless given).
/// </summary>
public sealed record ControlSettings(string? SocketPath, bool PathConfigured, string? GroupName, uint? GroupId, IPEndPoint? MetricsListen)
{
    public const string DefaultSocketPath = "/run/secnet/secnet.sock";

    /// <summary>sockaddr_un's sun_path holds 107 bytes and a NUL.</summary>
    public const int MaxPathBytes = 107;

    public static ControlSettings Default { get; } = new(DefaultSocketPath, false, null, null, null);

    /// <summary>Reads the keys from the system dictionary; errors name the file:line and key.</summary>
    public static ControlSettings Read(ArgReader reader, Func<string, uint?>? findGroup = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var path = reader.GetString("control-socket");
        bool configured = path is not null;
        if (path is { Length: > 0 })
        {
            if (!path.StartsWith('/'))
                throw reader.ErrorAt(reader.Raw("control-socket")![0], "control-socket must be an absolute path");
            if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
                throw reader.ErrorAt(reader.Raw("control-socket")![0], $"control-socket path longer than {MaxPathBytes} bytes");
        }
        var socketPath = path is null ? DefaultSocketPath : path.Length == 0 ? null : path;

        var group = reader.GetString("control-socket-group");
        uint? gid = null;
        if (group is not null)
        {
            gid = (findGroup ?? FindGroup)(group)
                ?? throw reader.ErrorAt(reader.Raw("control-socket-group")![0], $"group \"{group}\" not found");
        }

        IPEndPoint? metrics = null;
        if (reader.GetString("metrics-listen") is { } listen)
        {
            if (!IPEndPoint.TryParse(listen, out metrics) || metrics.Port == 0 || !listen.Contains(':', StringComparison.Ordinal))
                throw reader.ErrorAt(reader.Raw("metrics-listen")![0], $"metrics-listen \"{listen}\" is not address:port (e.g. \"127.0.0.1:9474\", \"[::1]:9474\")");
        }
        return new ControlSettings(socketPath, configured, group, gid, metrics);
    }

    /// <summary>The group's id through the C library's getgrnam, so NSS sources work too.</summary>
    public static uint? FindGroup(string name)
    {
        nint gr = Libc.GetGrNam(name);
        if (gr == 0) return null;
        // struct group: char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem;
        return (uint)Marshal.ReadInt32(gr, 2 * IntPtr.Size);
    }
}
