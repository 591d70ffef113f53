using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// Linux UDP segmentation offload (UDP_SEGMENT, send) and receive coalescing (UDP_GRO): the
/// control messages that carry the segment size, and the errno values with which a kernel or
/// device refuses a segmented send.
/// </summary>
internal static unsafe class UdpOffload
{
    /// <summary>CMSG_LEN(2) and CMSG_SPACE(2) for the u16 segment size of UDP_SEGMENT.</summary>
    public const int SegmentCmsgLength = Libc.CmsgHeaderSize + sizeof(ushort);
    public const int SegmentCmsgSpace = Libc.CmsgHeaderSize + 8;

    /// <summary>Writes the UDP_SEGMENT control message (the whole of a message's control data).</summary>
    public static void WriteSegmentSize(byte* control, ushort segmentSize)
    {
        var c = (Libc.CmsgHdr*)control;
        c->Length = SegmentCmsgLength;
        c->Level = Libc.SOL_UDP;
        c->Type = Libc.UDP_SEGMENT;
        *(ushort*)(control + Libc.CmsgHeaderSize) = segmentSize;
    }

    /// <summary>The UDP_GRO segment size in a received message's control data, or -1 when the
    /// message carries none (an ordinary datagram).</summary>
    public static int ReadGroSize(byte* control, nuint controlLength)
    {
        nuint offset = 0;
        while (offset + Libc.CmsgHeaderSize <= controlLength)
        {
            var c = (Libc.CmsgHdr*)(control + offset);
            if (c->Length < Libc.CmsgHeaderSize || offset + c->Length > controlLength) return -1;
            if (c->Level == Libc.SOL_UDP && c->Type == Libc.UDP_GRO && c->Length >= Libc.CmsgHeaderSize + sizeof(int))
                return *(int*)(control + offset + Libc.CmsgHeaderSize);
            offset += (nuint)Libc.CmsgAlign(c->Length);
        }
        return -1;
    }

    /// <summary>True for the errors with which a kernel or device refuses a segmented send that
    /// the same datagrams sent one by one may pass (no offload support, no checksum offload).</summary>
    public static bool IsOffloadRefusal(int errno) =>
        errno is Errno.EINVAL or Errno.EIO or Errno.ENOPROTOOPT or Errno.EOPNOTSUPP or Errno.EMSGSIZE;

    /// <summary>Turns UDP_GRO on; false if the kernel does not offer it.</summary>
    public static bool TryEnableGro(int fd)
    {
        int on = 1;
        return Libc.SetSockOpt(fd, Libc.SOL_UDP, Libc.UDP_GRO, &on, sizeof(int)) == 0;
    }

    /// <summary>True if the kernel knows UDP_SEGMENT (reading the option fails on kernels before 4.18).</summary>
    public static bool SupportsSegmentation(int fd)
    {
        int value = 0;
        uint length = sizeof(int);
        return Libc.GetSockOpt(fd, Libc.SOL_UDP, Libc.UDP_SEGMENT, &value, &length) == 0;
    }
}
