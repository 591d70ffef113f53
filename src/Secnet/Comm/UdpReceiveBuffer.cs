using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// Sizes a UDP socket's receive buffer. Linux's default (rmem_default, about 208 KiB) holds only
/// ~140 full-size datagrams: a burst from a fast peer overflows it while the packet loop is
/// decrypting the previous batch, and every overflow is a lost packet that TCP inside the tunnel
/// pays for with a retransmission. Libc.SO_RCVBUFFORCE (root, before privileges are dropped) goes past
/// rmem_max; without the privilege, SO_RCVBUF gets as much as rmem_max allows.
/// </summary>
internal static unsafe class UdpReceiveBuffer
{
    /// <summary>What we ask for: about 10 ms of a 1 Gbit/s stream, a few dozen full GRO batches.
    /// In the tunnel bench it took TCP retransmissions from ~15,000 in 4 s to none; 4 MiB moved
    /// no more data and only queues longer when the receiver is the bottleneck.</summary>
    public const int DefaultBytes = 1 << 20;

    /// <summary>Asks for <paramref name="bytes"/>; returns the size the kernel reports afterwards.</summary>
    public static int Grow(int fd, int bytes)
    {
        if (bytes > 0 && Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &bytes, sizeof(int)) != 0)
            Libc.SetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &bytes, sizeof(int));
        int size = 0;
        uint length = sizeof(int);
        return Libc.GetSockOpt(fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, &size, &length) == 0 ? size : -1;
    }
}
