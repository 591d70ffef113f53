using System.Buffers.Binary;
using System.Net;

namespace Secnet.Interop;

/// <summary>
/// An AF_NETLINK/NETLINK_ROUTE socket that adds and deletes routes (RTM_NEWROUTE /
/// RTM_DELROUTE), replacing secnet's SIOCADDRT/SIOCDELRT, and gives an interface its IPv6
/// address (RTM_NEWADDR; there is no ioctl for a point-to-point IPv6 address). The socket belongs to the network
/// namespace that was current when it was opened, so open it next to the device it serves.
/// </summary>
internal sealed unsafe class RtNetlinkSocket : IDisposable
{
    private const int NETLINK_ROUTE = 0;
    private const ushort RTM_NEWROUTE = 24;
    private const ushort RTM_DELROUTE = 25;
    private const ushort RTM_NEWADDR = 20;
    private const ushort IFA_ADDRESS = 1;
    private const ushort IFA_LOCAL = 2;
    private const ushort IFA_FLAGS = 8;
    private const byte IFA_F_NODAD = 0x02;
    private const int IfAddrMsgSize = 8;
    private const byte AF_INET6 = 10;
    private const ushort NLMSG_ERROR = 2;
    private const ushort NLM_F_REQUEST = 0x1;
    private const ushort NLM_F_ACK = 0x4;
    private const ushort NLM_F_EXCL = 0x200;
    private const ushort NLM_F_CREATE = 0x400;
    private const ushort RTA_DST = 1;
    private const ushort RTA_OIF = 4;
    private const ushort RTA_GATEWAY = 5;
    private const byte RT_TABLE_MAIN = 254;
    private const byte RTPROT_BOOT = 3;
    private const byte RT_SCOPE_UNIVERSE = 0;
    private const byte RT_SCOPE_NOWHERE = 255;
    private const byte RTN_UNICAST = 1;

    private const int HeaderSize = 16;
    private const int RtMsgSize = 12;
    private const int AddressAttributeSize = 8;

    private readonly object _lock = new();
    private int _fd;
    private uint _sequence;

    private RtNetlinkSocket(int fd) => _fd = fd;

    /// <summary>Opens the socket; null and <paramref name="errno"/> set on failure.</summary>
    public static RtNetlinkSocket? Open(out int errno)
    {
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
        {
            errno = Errno.Last;
            return null;
        }
        errno = 0;
        return new RtNetlinkSocket(fd);
    }

    /// <summary>Adds network/prefix via gateway (main table); returns errno, 0 on success.
    /// <paramref name="interfaceIndex"/> 0 lets the kernel find the device from the gateway.</summary>
    public int AddRoute(IPAddress network, int prefixLength, IPAddress? gateway, int interfaceIndex = 0) =>
        Request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, network, prefixLength, gateway, interfaceIndex);

    /// <summary>Deletes the route added by <see cref="AddRoute"/>; returns errno, 0 on success.</summary>
    public int DeleteRoute(IPAddress network, int prefixLength, IPAddress? gateway, int interfaceIndex = 0) =>
        Request(RTM_DELROUTE, 0, network, prefixLength, gateway, interfaceIndex);

    /// <summary>Gives the interface the IPv6 address <paramref name="local"/> with the point-to-point
    /// peer <paramref name="peer"/> (a /128 each), without duplicate address detection, so the
    /// address is usable at once (a tun link has no one to collide with). Returns errno.</summary>
    public int AddAddress6(int interfaceIndex, IPAddress local, IPAddress peer)
    {
        lock (_lock)
        {
            if (_fd < 0) return Errno.EBADF;
            const int addressAttribute = 4 + 16;
            var length = HeaderSize + IfAddrMsgSize + 2 * addressAttribute + 8;
            Span<byte> message = stackalloc byte[length];
            message.Clear();
            var sequence = ++_sequence;
            BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
            BinaryPrimitives.WriteUInt16LittleEndian(message[4..], RTM_NEWADDR);
            BinaryPrimitives.WriteUInt16LittleEndian(message[6..], NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
            BinaryPrimitives.WriteUInt32LittleEndian(message[8..], sequence);
            var ifa = message.Slice(HeaderSize, IfAddrMsgSize);
            ifa[0] = AF_INET6;
            ifa[1] = 128;
            ifa[2] = IFA_F_NODAD;
            ifa[3] = RT_SCOPE_UNIVERSE;
            BinaryPrimitives.WriteInt32LittleEndian(ifa[4..], interfaceIndex);
            var attributes = message[(HeaderSize + IfAddrMsgSize)..];
            WriteAddressAttribute(attributes, IFA_LOCAL, local);
            WriteAddressAttribute(attributes[addressAttribute..], IFA_ADDRESS, peer);
            var flags = attributes[(2 * addressAttribute)..];
            BinaryPrimitives.WriteUInt16LittleEndian(flags, 8);
            BinaryPrimitives.WriteUInt16LittleEndian(flags[2..], IFA_FLAGS);
            BinaryPrimitives.WriteUInt32LittleEndian(flags[4..], IFA_F_NODAD);
            fixed (byte* p = message)
            {
                if (Libc.Send(_fd, p, length, 0) < 0) return Errno.Last;
            }
            return AwaitAcknowledgement(sequence);
        }
    }

    private int Request(ushort type, ushort extraFlags, IPAddress network, int prefixLength,
        IPAddress? gateway, int interfaceIndex)
    {
        bool ipv6 = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)prefixLength, ipv6 ? 128u : 32u, nameof(prefixLength));
        lock (_lock)
        {
            if (_fd < 0) return Errno.EBADF;
            int addressAttribute = 4 + (ipv6 ? 16 : 4);
            var length = HeaderSize + RtMsgSize + (gateway is null ? 1 : 2) * addressAttribute
                + (interfaceIndex > 0 ? AddressAttributeSize : 0);
            Span<byte> message = stackalloc byte[length];
            message.Clear();
            var sequence = ++_sequence;
            BinaryPrimitives.WriteUInt32LittleEndian(message, (uint)length);
            BinaryPrimitives.WriteUInt16LittleEndian(message[4..], type);
            BinaryPrimitives.WriteUInt16LittleEndian(message[6..], (ushort)(NLM_F_REQUEST | NLM_F_ACK | extraFlags));
            BinaryPrimitives.WriteUInt32LittleEndian(message[8..], sequence);

            var rtmsg = message.Slice(HeaderSize, RtMsgSize);
            rtmsg[0] = ipv6 ? AF_INET6 : (byte)Libc.AF_INET;
            rtmsg[1] = (byte)prefixLength;
            rtmsg[4] = RT_TABLE_MAIN;
            var adding = type == RTM_NEWROUTE;
            // Deletion leaves protocol, scope and type as wildcards, as iproute2 does.
            rtmsg[5] = adding ? RTPROT_BOOT : (byte)0;
            rtmsg[6] = adding ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
            rtmsg[7] = adding ? RTN_UNICAST : (byte)0;

            var attributes = message[(HeaderSize + RtMsgSize)..];
            WriteAddressAttribute(attributes, RTA_DST, network);
            int used = addressAttribute;
            if (gateway is not null)
            {
                WriteAddressAttribute(attributes[used..], RTA_GATEWAY, gateway);
                used += addressAttribute;
            }
            if (interfaceIndex > 0)
            {
                var oif = attributes[used..];
                BinaryPrimitives.WriteUInt16LittleEndian(oif, AddressAttributeSize);
                BinaryPrimitives.WriteUInt16LittleEndian(oif[2..], RTA_OIF);
                BinaryPrimitives.WriteInt32LittleEndian(oif[4..], interfaceIndex);
            }

            fixed (byte* p = message)
            {
                if (Libc.Send(_fd, p, length, 0) < 0) return Errno.Last;
            }
            return AwaitAcknowledgement(sequence);
        }
    }

    private static void WriteAddressAttribute(Span<byte> target, ushort type, IPAddress address)
    {
        int size = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4;
        BinaryPrimitives.WriteUInt16LittleEndian(target, (ushort)(4 + size));
        BinaryPrimitives.WriteUInt16LittleEndian(target[2..], type);
        if (!address.TryWriteBytes(target.Slice(4, size), out var written) || written != size)
            throw new ArgumentException("address does not fit its attribute", nameof(address));
    }

    private int AwaitAcknowledgement(uint sequence)
    {
        Span<byte> reply = stackalloc byte[4096];
        while (true)
        {
            nint received;
            fixed (byte* p = reply) received = Libc.Recv(_fd, p, reply.Length, 0);
            if (received < 0)
            {
                var errno = Errno.Last;
                if (errno == Errno.EINTR) continue;
                return errno;
            }
            var remaining = reply[..(int)received];
            while (remaining.Length >= HeaderSize)
            {
                var messageLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(remaining);
                if (messageLength < HeaderSize || messageLength > remaining.Length) break;
                var type = BinaryPrimitives.ReadUInt16LittleEndian(remaining[4..]);
                var messageSequence = BinaryPrimitives.ReadUInt32LittleEndian(remaining[8..]);
                if (type == NLMSG_ERROR && messageSequence == sequence && messageLength >= HeaderSize + 4)
                    return -BinaryPrimitives.ReadInt32LittleEndian(remaining[HeaderSize..]);
                remaining = remaining[Math.Min((messageLength + 3) & ~3, remaining.Length)..];
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_fd >= 0) Libc.Close(_fd);
            _fd = -1;
        }
    }
}
