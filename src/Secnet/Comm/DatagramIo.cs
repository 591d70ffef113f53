using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>The datagram steps udp and polypath share on top of <see cref="Libc"/>: one sendto(2)
/// whose failure is a result code (not an exception) on the packet path, receiving into a batch
/// of message headers, and reading a sender out of it.</summary>
internal static unsafe class DatagramIo
{
    /// <summary>Receives up to <paramref name="most"/> messages into <paramref name="messages"/>
    /// without waiting: the count, or -1 with errno set. One is a recvmsg(2), because recvmmsg
    /// tries for a second message before it returns, a cost on the path of a lone datagram.</summary>
    public static int Receive(int fd, Libc.MMsgHdr* messages, int most)
    {
        if (most > 1) return Libc.RecvMmsg(fd, messages, (uint)most, Libc.MSG_DONTWAIT, null);
        nint length = Libc.RecvMsg(fd, &messages[0].Header, Libc.MSG_DONTWAIT);
        if (length < 0) return -1;
        messages[0].Length = (uint)length;
        return 1;
    }

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
