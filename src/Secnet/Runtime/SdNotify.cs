using System.Net.Sockets;
using System.Text;

namespace Secnet.Runtime;

/// <summary>systemd's readiness protocol without libsystemd: one datagram to $NOTIFY_SOCKET.</summary>
public static class SdNotify
{
    /// <summary>Sends <paramref name="state"/> (e.g. "READY=1"); false when not under systemd.</summary>
    public static bool Notify(string state, string? socketPath = null)
    {
        socketPath ??= Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socketPath))
            return false;
        // A leading '@' names a Linux abstract socket, which the kernel spells with a NUL byte.
        if (socketPath[0] == '@')
            socketPath = "\0" + socketPath[1..];
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        socket.Send(Encoding.UTF8.GetBytes(state));
        return true;
    }
}
