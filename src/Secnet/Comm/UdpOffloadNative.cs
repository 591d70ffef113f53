using System.Runtime.InteropServices;
using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// Linux UDP segmentation offload (UDP_SEGMENT, send) and receive coalescing (UDP_GRO): the
/// socket options, the control-message layout (x86-64/aarch64 cmsghdr) and the errno values with
/// which a kernel or device refuses a segmented send.
/// </summary>
internal static unsafe partial class UdpOffloadNative
{
    private const string Lib = "libc";

    public const int SOL_UDP = 17;
    public const int UDP_SEGMENT = 103;
    public const int UDP_GRO = 104;

    public const int MSG_TRUNC = 0x20;

    public const int EMSGSIZE = 90;
    public const int ENOPROTOOPT = 92;
    public const int EOPNOTSUPP = 95;

    /// <summary>sizeof(struct cmsghdr): size_t length, int level, int type.</summary>
    public const int CmsgHeader = 16;

    /// <summary>CMSG_LEN(2) and CMSG_SPACE(2) for the u16 segment size of UDP_SEGMENT.</summary>
    public const int SegmentCmsgLength = CmsgHeader + sizeof(ushort);
    public const int SegmentCmsgSpace = CmsgHeader + 8;

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    /// <summary>Rounds a control-message length up as CMSG_ALIGN does.</summary>
    public static int Align(nuint length) => (int)((length + 7) & ~(nuint)7);

    /// <summary>Writes the UDP_SEGMENT control message (the whole of a message's control data).</summary>
    public static void WriteSegmentSize(byte* control, ushort segmentSize)
    {
        var c = (CmsgHdr*)control;
        c->Length = SegmentCmsgLength;
        c->Level = SOL_UDP;
        c->Type = UDP_SEGMENT;
        *(ushort*)(control + CmsgHeader) = segmentSize;
    }

    /// <summary>The UDP_GRO segment size in a received message's control data, or -1 when the
    /// message carries none (an ordinary datagram).</summary>
    public static int ReadGroSize(byte* control, nuint controlLength)
    {
        nuint offset = 0;
        while (offset + CmsgHeader <= controlLength)
        {
            var c = (CmsgHdr*)(control + offset);
            if (c->Length < CmsgHeader || offset + c->Length > controlLength) return -1;
            if (c->Level == SOL_UDP && c->Type == UDP_GRO && c->Length >= CmsgHeader + sizeof(int))
                return *(int*)(control + offset + CmsgHeader);
            offset += (nuint)Align(c->Length);
        }
        return -1;
    }

    /// <summary>True for the errors with which a kernel or device refuses a segmented send that
    /// the same datagrams sent one by one may pass (no offload support, no checksum offload).</summary>
    public static bool IsOffloadRefusal(int errno) =>
        errno is Errno.EINVAL or Errno.EIO or ENOPROTOOPT or EOPNOTSUPP or EMSGSIZE;

    /// <summary>Turns UDP_GRO on; false if the kernel does not offer it.</summary>
    public static bool TryEnableGro(int fd)
    {
        int on = 1;
        return SetSockOpt(fd, SOL_UDP, UDP_GRO, &on, sizeof(int)) == 0;
    }

    /// <summary>True if the kernel knows UDP_SEGMENT (reading the option fails on kernels before 4.18).</summary>
    public static bool SupportsSegmentation(int fd)
    {
        int value = 0;
        uint length = sizeof(int);
        return GetSockOpt(fd, SOL_UDP, UDP_SEGMENT, &value, &length) == 0;
    }

    [LibraryImport(Lib, EntryPoint = "setsockopt", SetLastError = true)]
    internal static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport(Lib, EntryPoint = "getsockopt", SetLastError = true)]
    internal static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);
}
