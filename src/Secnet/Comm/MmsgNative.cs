using System.Runtime.InteropServices;

namespace Secnet.Comm;

/// <summary>
/// sendmmsg/recvmmsg with blittable x86-64/aarch64 Linux layouts, so a whole batch of datagrams
/// crosses into the kernel in one system call and nothing is marshalled or allocated.
/// </summary>
internal static unsafe partial class MmsgNative
{
    private const string Lib = "libc";

    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_WAITFORONE = 0x10000;

    /// <summary>Room for any sockaddr (sockaddr_storage).</summary>
    public const int SockaddrStorage = 128;

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public byte* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [LibraryImport(Lib, EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    /// <summary>sendto(2) of one datagram to the sockaddr bytes <paramref name="address"/>, retried
    /// on EINTR: 0 on success, else errno.</summary>
    public static int SendTo(int fd, ReadOnlySpan<byte> data, ReadOnlySpan<byte> address)
    {
        fixed (byte* d = data)
        fixed (byte* a = address)
        {
            while (true)
            {
                if (sendto(fd, d, data.Length, 0, a, address.Length) >= 0) return 0;
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Interop.Errno.EINTR) return errno;
            }
        }
    }

    [LibraryImport(Lib, SetLastError = true)]
    private static partial nint sendto(int fd, byte* buffer, nint length, int flags, byte* address, int addressLength);

    [LibraryImport(Lib, EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMmsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    /// <summary>Copies the sender of message <paramref name="i"/> (names laid out one
    /// <see cref="SockaddrStorage"/> apart) into <paramref name="address"/>, which is returned.</summary>
    public static System.Net.SocketAddress CopySource(MMsgHdr* messages, byte* names, int i, System.Net.SocketAddress address)
    {
        int size = (int)Math.Min(messages[i].Header.NameLength, (uint)address.Buffer.Length);
        new ReadOnlySpan<byte>(names + i * SockaddrStorage, size).CopyTo(address.Buffer.Span);
        address.Size = size;
        return address;
    }
}
