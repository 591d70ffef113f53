using System.Runtime.InteropServices;

namespace Secnet.Comm;

/// <summary>
/// The Unix-socket calls polypath's privilege separation needs: a SOCK_SEQPACKET socketpair (one
/// record per message, so no framing) and sendmsg/recvmsg carrying one descriptor as SCM_RIGHTS.
/// Layouts are Linux 64-bit (msghdr, cmsghdr with 8-byte alignment).
/// </summary>
internal static unsafe partial class PolypathPrivsepNative
{
    private const int AfUnix = 1;
    private const int SockSeqPacket = 5;
    private const int SockCloexec = 0x80000;
    private const int SolSocket = 1;
    private const int ScmRights = 1;
    private const int MsgCmsgCloexec = 0x40000000;
    private const int ShutRdWr = 2;
    private const int CmsgHeaderSize = 16;
    private const int ControlSize = CmsgHeaderSize + 8; // CMSG_SPACE(sizeof(int))

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    /// <summary>socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC); 0 or errno.</summary>
    public static int SocketPair(out int first, out int second)
    {
        var fds = stackalloc int[2];
        if (socketpair(AfUnix, SockSeqPacket | SockCloexec, 0, fds) != 0)
        {
            first = second = -1;
            return Marshal.GetLastPInvokeError();
        }
        first = fds[0];
        second = fds[1];
        return 0;
    }

    /// <summary>Sends one record, with <paramref name="passFd"/> attached unless it is -1; 0 or errno.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> record, int passFd)
    {
        var control = stackalloc byte[ControlSize];
        fixed (byte* data = record)
        {
            var iov = new IoVec { Base = data, Length = (nuint)record.Length };
            var msg = new MsgHdr { Iov = &iov, IovLength = 1 };
            if (passFd >= 0)
            {
                new Span<byte>(control, ControlSize).Clear();
                *(nuint*)control = CmsgHeaderSize + sizeof(int); // CMSG_LEN(sizeof(int))
                *(int*)(control + 8) = SolSocket;
                *(int*)(control + 12) = ScmRights;
                *(int*)(control + CmsgHeaderSize) = passFd;
                msg.Control = control;
                msg.ControlLength = ControlSize;
            }
            while (true)
            {
                if (sendmsg(fd, &msg, 0) >= 0) return 0;
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EINTR) return errno;
            }
        }
    }

    /// <summary>
    /// Receives one record into <paramref name="buffer"/> (blocking). Returns its length, 0 at end
    /// of stream, or -errno; <paramref name="receivedFd"/> is the attached descriptor (close-on-exec)
    /// or -1.
    /// </summary>
    public static int Receive(int fd, Span<byte> buffer, out int receivedFd)
    {
        receivedFd = -1;
        var control = stackalloc byte[ControlSize];
        fixed (byte* data = buffer)
        {
            var iov = new IoVec { Base = data, Length = (nuint)buffer.Length };
            while (true)
            {
                new Span<byte>(control, ControlSize).Clear();
                var msg = new MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
                var n = recvmsg(fd, &msg, MsgCmsgCloexec);
                if (n < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Interop.Errno.EINTR) continue;
                    return -errno;
                }
                if (msg.ControlLength >= CmsgHeaderSize + sizeof(int)
                    && *(int*)(control + 8) == SolSocket && *(int*)(control + 12) == ScmRights)
                    receivedFd = *(int*)(control + CmsgHeaderSize);
                return (int)n;
            }
        }
    }

    /// <summary>shutdown(fd, SHUT_RDWR): wakes a blocked receiver and shows the peer end of stream.</summary>
    public static void ShutdownBoth(int fd) => shutdown(fd, ShutRdWr);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socketpair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recvmsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int shutdown(int fd, int how);
}
