using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// secnet's authbind helper protocol (runtime.md §7): the helper gets the unbound socket as its
/// stdin and the address in hex on its command line, binds it and exits 0.
/// </summary>
public static class Authbind
{
    /// <summary>argv after the program name, exactly as 0.6.7 formats it (host-order reading of
    /// network-order bytes, so little-endian hosts print byte-swapped numbers).</summary>
    public static IReadOnlyList<string> Arguments(IPEndPoint endPoint)
    {
        Span<byte> port = [(byte)(endPoint.Port >> 8), (byte)endPoint.Port];
        string portText = BitConverter.ToUInt16(port).ToString("X4", CultureInfo.InvariantCulture);
        var bytes = endPoint.Address.GetAddressBytes();
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
            return [BitConverter.ToUInt32(bytes).ToString("X8", CultureInfo.InvariantCulture), portText];
        return [Convert.ToHexString(bytes), portText, "6"];
    }

    /// <summary>Runs the helper and waits; null on success, else secnet's error text.</summary>
    public static unsafe string? Bind(string helper, Socket socket, IPEndPoint endPoint)
    {
        var argv = new List<string> { helper };
        argv.AddRange(Arguments(endPoint));
        int err = PosixSpawn.Spawn(helper, argv, (int)socket.Handle, -1, false, out int pid);
        string where = $"authbind for {SocketAddresses.Format(endPoint)}";
        if (err != 0) return $"{where}: {helper} exited with error exit status 255";
        int status;
        while (Libc.WaitPid(pid, &status, 0) < 0)
        {
            if (Errno.Last != Errno.EINTR) return $"{where}: waitpid: {Errno.Describe(Errno.Last)}";
        }
        if ((status & 0x7f) == 0)
        {
            int code = (status >> 8) & 0xff;
            if (code == 0) return null;
            if (code is >= 1 and <= 126)
                return $"{where}: {helper} exited with error exit status {code}; indicates error: {Errno.Describe(code)}";
        }
        return Runtime.ChildReaper.DescribeExit(where, helper, status);
    }
}
