using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// The Unix-socket calls polypath's privilege separation needs: a SOCK_SEQPACKET socketpair (one
/// record per message, so no framing) and sendmsg/recvmsg carrying one descriptor as SCM_RIGHTS.
/// Layouts are Linux 64-bit (msghdr, cmsghdr with 8-byte alignment); the calls are <see cref="Libc"/>'s.
/// </summary>
internal static unsafe class PolypathPrivsepChannel
{
    private const int ControlSize = Libc.CmsgHeaderSize + 8; // CMSG_SPACE(sizeof(int))

    /// <summary>socketpair(AF_UNIX, SOCK_SEQPACKET|SOCK_CLOEXEC); 0 or errno.</summary>
    public static int SocketPair(out int first, out int second)
    {
        var fds = stackalloc int[2];
        if (Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, 0, fds) != 0)
        {
            first = second = -1;
            return Errno.Last;
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
            var iov = new Libc.IoVec { Base = data, Length = (nuint)record.Length };
            var msg = new Libc.MsgHdr { Iov = &iov, IovLength = 1 };
            if (passFd >= 0)
            {
                new Span<byte>(control, ControlSize).Clear();
                *(nuint*)control = Libc.CmsgHeaderSize + sizeof(int); // CMSG_LEN(sizeof(int))
                *(int*)(control + 8) = Libc.SOL_SOCKET;
                *(int*)(control + 12) = Libc.SCM_RIGHTS;
                *(int*)(control + Libc.CmsgHeaderSize) = passFd;
                msg.Control = control;
                msg.ControlLength = ControlSize;
            }
            while (true)
            {
                if (Libc.SendMsg(fd, &msg, 0) >= 0) return 0;
                var errno = Errno.Last;
                if (errno != Errno.EINTR) return errno;
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
            var iov = new Libc.IoVec { Base = data, Length = (nuint)buffer.Length };
            while (true)
            {
                new Span<byte>(control, ControlSize).Clear();
                var msg = new Libc.MsgHdr { Iov = &iov, IovLength = 1, Control = control, ControlLength = ControlSize };
                var n = Libc.RecvMsg(fd, &msg, Libc.MSG_CMSG_CLOEXEC);
                if (n < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR) continue;
                    return -errno;
                }
                if (msg.ControlLength >= Libc.CmsgHeaderSize + sizeof(int)
                    && *(int*)(control + 8) == Libc.SOL_SOCKET && *(int*)(control + 12) == Libc.SCM_RIGHTS)
                    receivedFd = *(int*)(control + Libc.CmsgHeaderSize);
                return (int)n;
            }
        }
    }

    /// <summary>shutdown(fd, SHUT_RDWR): wakes a blocked receiver and shows the peer end of stream.</summary>
    public static void ShutdownBoth(int fd) => Libc.Shutdown(fd, Libc.SHUT_RDWR);
}
