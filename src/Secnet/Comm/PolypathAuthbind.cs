using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// Binds a socket through secnet's authbind helper protocol (runtime.md §7): the helper gets the
/// unbound socket as stdin and the address and port in secnet's host-order hex.
/// </summary>
internal static class PolypathAuthbind
{
    /// <summary>Null on success, else the message to log.</summary>
    public static unsafe string? Bind(string helper, Socket socket, IPEndPoint local)
    {
        var argv = new List<string> { helper };
        Span<byte> bytes = stackalloc byte[16];
        local.Address.TryWriteBytes(bytes, out var length);
        // secnet prints the network-order bytes read as a host (little-endian) integer.
        var port = BinaryPrimitives.ReverseEndianness((ushort)local.Port).ToString("X4", CultureInfo.InvariantCulture);
        if (local.AddressFamily == AddressFamily.InterNetwork)
        {
            argv.Add(BinaryPrimitives.ReadUInt32LittleEndian(bytes).ToString("X8", CultureInfo.InvariantCulture));
            argv.Add(port);
        }
        else
        {
            argv.Add(Convert.ToHexString(bytes[..length]));
            argv.Add(port);
            argv.Add("6");
        }
        var where = SocketAddresses.Format(local);
        var error = PosixSpawn.Spawn(helper, argv, (int)socket.Handle, -1, newSession: false, out var pid);
        if (error != 0) return $"authbind for {where}: {helper}: {Errno.Describe(error)}";
        int status;
        int r;
        do r = Libc.WaitPid(pid, &status, 0);
        while (r < 0 && Errno.Last == Errno.EINTR);
        var ws = new WaitStatus(status);
        if (ws.Exited && ws.ExitCode == 0) return null;
        if (ws.Exited && ws.ExitCode is >= 1 and <= 126)
            return $"authbind for {where}: {helper} {ws.Describe()}; indicates error: {Errno.Describe(ws.ExitCode)}";
        return $"authbind for {where}: {helper} {ws.Describe()}";
    }
}
