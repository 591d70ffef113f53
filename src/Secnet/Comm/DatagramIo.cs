using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>The two datagram steps udp and polypath share on top of <see cref="Libc"/>: one
/// sendto(2) whose failure is a result code (not an exception) on the packet path, and reading a
/// sender out of a recvmmsg batch.</summary>
internal static unsafe class DatagramIo
{
    /// <summary>sendto(2) of one datagram to the sockaddr bytes <paramref name="address"/>, retried
    /// on EINTR: 0 on success, else errno.</summary>
    public static int SendTo(int fd, ReadOnlySpan<byte> data, ReadOnlySpan<byte> address)
    {
        fixed (byte* d = data)
        fixed (byte* a = address)
        {
            while (true)
            {
                if (Libc.SendTo(fd, d, data.Length, 0, a, address.Length) >= 0) return 0;
                int errno = Errno.Last;
                if (errno != Errno.EINTR) return errno;
            }
        }
    }

    /// <summary>Copies the sender of message <paramref name="i"/> (names laid out one
    /// <see cref="Libc.SockaddrStorageSize"/> apart) into <paramref name="address"/>, which is returned.</summary>
    public static System.Net.SocketAddress CopySource(Libc.MMsgHdr* messages, byte* names, int i, System.Net.SocketAddress address)
    {
        int size = (int)Math.Min(messages[i].Header.NameLength, (uint)address.Buffer.Length);
        new ReadOnlySpan<byte>(names + i * Libc.SockaddrStorageSize, size).CopyTo(address.Buffer.Span);
        address.Size = size;
        return address;
    }
}
