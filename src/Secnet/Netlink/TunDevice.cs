using System.Net;
using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>Outcome of one non-blocking read from the tun device.</summary>
public enum TunReadResult
{
    Packet,
    WouldBlock,
    EndOfFile,
    Error,
}

/// <summary>
/// A Linux TUN interface carrying raw IPv4 packets (IFF_TUN | IFF_NO_PI, with IFF_VNET_HDR in
/// offload mode): opened, configured as a point-to-point link with ioctls and given kernel routes
/// over rtnetlink, never by running ifconfig/route. The fd is non-blocking and close-on-exec. The interface and both control
/// sockets live in the network namespace of the thread that calls <see cref="Open"/>.
/// Set-up failures throw <see cref="IOException"/> carrying secnet's fatal message text.
/// </summary>
public sealed unsafe class TunDevice : IDisposable
{
    public const string DefaultDevicePath = "/dev/net/tun";

    private readonly string _logName;
    private readonly RtNetlinkSocket _routes;
    private int _control;
    private int _fd;

    private TunDevice(int fd, string interfaceName, int interfaceIndex, string logName, int control,
        RtNetlinkSocket routes)
    {
        _fd = fd;
        InterfaceName = interfaceName;
        InterfaceIndex = interfaceIndex;
        _logName = logName;
        _control = control;
        _routes = routes;
    }

    /// <summary>The interface name, e.g. the kernel-chosen "tun0".</summary>
    public string InterfaceName { get; }

    public int InterfaceIndex { get; }

    internal int FileDescriptor => _fd;

    /// <summary>Opens <paramref name="devicePath"/> and creates the interface (kernel picks the
    /// name if <paramref name="interfaceName"/> is null or empty). <paramref name="logName"/> is the
    /// netlink's name, used as the prefix of error messages. With <paramref name="offload"/> the
    /// device carries virtio headers and accepts checksum/TSO offloads (see <see cref="Offload"/>);
    /// if the kernel refuses them the device opens in plain mode and
    /// <see cref="OffloadRefusal"/> says why.</summary>
    public static TunDevice Open(string logName, string? interfaceName = null, string devicePath = DefaultDevicePath,
        bool offload = false) =>
        Open(logName, interfaceName, devicePath, offload ? TunOffloadIoctl.TUN_F_CSUM | TunOffloadIoctl.TUN_F_TSO4 | TunOffloadIoctl.TUN_F_TSO6 | TunOffloadIoctl.TUN_F_TSO_ECN : 0);

    /// <summary>As above, asking for the TUNSETOFFLOAD set <paramref name="offloads"/> (none: plain
    /// mode). Tests pass a set the kernel refuses, to see the fallback to plain mode.</summary>
    internal static TunDevice Open(string logName, string? interfaceName, string devicePath, uint offloads)
    {
        string? refusal = null;
        if (offloads != 0)
        {
            var fd = OpenAttached(logName, interfaceName, devicePath, offloads, out var request, out refusal);
            if (fd >= 0) return Complete(logName, fd, request, offload: true, refusal: null);
        }
        var plain = OpenAttached(logName, interfaceName, devicePath, 0, out var plainRequest, out _);
        return Complete(logName, plain, plainRequest, offload: false, refusal);
    }

    /// <summary>Opens the device file and attaches the interface. In offload mode a refused
    /// ioctl closes the fd and returns -1 with the reason; plain-mode failures throw.</summary>
    private static int OpenAttached(string logName, string? interfaceName, string devicePath, uint offloads,
        out byte[] request, out string? refusal)
    {
        bool offload = offloads != 0;
        refusal = null;
        request = InterfaceIoctl.NewRequest(interfaceName ?? "");
        var fd = Libc.Open(devicePath, Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) throw Failure($"{logName}: can't open device file {devicePath}", Errno.Last);
        var flags = (short)(InterfaceIoctl.IFF_TUN | InterfaceIoctl.IFF_NO_PI | (offload ? TunOffloadIoctl.IFF_VNET_HDR : 0));
        InterfaceIoctl.SetFlags(request, flags);
        var errno = InterfaceIoctl.Invoke(fd, InterfaceIoctl.TUNSETIFF, request);
        if (errno == 0 && offload) errno = EnableOffloads(fd, offloads, out refusal);
        else if (errno != 0 && offload) refusal = $"ioctl(TUNSETIFF, IFF_VNET_HDR): {Errno.Describe(errno)}";
        if (errno == 0) return fd;
        Libc.Close(fd);
        if (offload) return -1;
        throw Failure($"{logName}: ioctl(TUNSETIFF)", errno);
    }

    private static int EnableOffloads(int fd, uint offloads, out string? refusal)
    {
        int size = VirtioNetHeader.Size;
        if (Libc.Ioctl(fd, TunOffloadIoctl.TUNSETVNETHDRSZ, &size) < 0)
        {
            var errno = Errno.Last;
            refusal = $"ioctl(TUNSETVNETHDRSZ): {Errno.Describe(errno)}";
            return errno;
        }
        // The offload set is passed by value, not through a pointer.
        if (Libc.Ioctl(fd, TunOffloadIoctl.TUNSETOFFLOAD, (void*)(nuint)offloads) < 0)
        {
            var errno = Errno.Last;
            refusal = $"ioctl(TUNSETOFFLOAD): {Errno.Describe(errno)}";
            return errno;
        }
        refusal = null;
        return 0;
    }

    private static TunDevice Complete(string logName, int fd, byte[] request, bool offload, string? refusal)
    {
        var control = -1;
        try
        {
            var errno = Libc.SetNonBlocking(fd, true);
            if (errno != 0) throw Failure($"{logName}: fcntl(O_NONBLOCK)", errno);
            // Both control sockets are made now so that they share the tun's network namespace.
            control = Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (control < 0) throw Failure($"{logName}: socket(AF_INET)", Errno.Last);
            var name = InterfaceIoctl.NameOf(request);
            errno = InterfaceIoctl.Invoke(control, InterfaceIoctl.SIOCGIFINDEX, request);
            if (errno != 0) throw Failure($"{logName}: ioctl(SIOCGIFINDEX)", errno);
            var index = InterfaceIoctl.GetInt(request);
            var routes = RtNetlinkSocket.Open(out errno)
                ?? throw Failure($"{logName}: socket(AF_NETLINK)", errno);
            return new TunDevice(fd, name, index, logName, control, routes)
            {
                Offload = offload,
                OffloadRefusal = refusal,
            };
        }
        catch
        {
            if (control >= 0) Libc.Close(control);
            Libc.Close(fd);
            throw;
        }
    }

    /// <summary>True when every packet read or written begins with a <see cref="VirtioNetHeader"/>
    /// and the kernel may hand over TSO packets and partial checksums.</summary>
    public bool Offload { get; private init; }

    /// <summary>Why offload mode was asked for but not granted (null otherwise).</summary>
    public string? OffloadRefusal { get; private init; }

    /// <summary>secnet's ifconfig-type "ioctl": local address, /32 netmask, peer address, MTU,
    /// then flags UP|POINTOPOINT|RUNNING|NOARP.</summary>
    public void ConfigurePointToPoint(IPAddress localAddress, IPAddress peerAddress, int mtu)
    {
        var request = InterfaceIoctl.NewRequest(InterfaceName);
        InterfaceIoctl.SetAddress(request, localAddress);
        Configure(InterfaceIoctl.SIOCSIFADDR, "SIOCSIFADDR", request);
        InterfaceIoctl.SetAddress(request, IPAddress.Broadcast);
        Configure(InterfaceIoctl.SIOCSIFNETMASK, "SIOCSIFNETMASK", request);
        InterfaceIoctl.SetAddress(request, peerAddress);
        Configure(InterfaceIoctl.SIOCSIFDSTADDR, "SIOCSIFDSTADDR", request);
        InterfaceIoctl.SetAddress(request, IPAddress.Any);
        InterfaceIoctl.SetInt(request, mtu);
        Configure(InterfaceIoctl.SIOCSIFMTU, "SIOCSIFMTU", request);
        InterfaceIoctl.SetAddress(request, IPAddress.Any);
        InterfaceIoctl.SetFlags(request, InterfaceIoctl.IFF_UP | InterfaceIoctl.IFF_POINTOPOINT
            | InterfaceIoctl.IFF_RUNNING | InterfaceIoctl.IFF_NOARP);
        Configure(InterfaceIoctl.SIOCSIFFLAGS, "SIOCSIFFLAGS", request);
    }

    private void Configure(nuint ioctl, string ioctlName, byte[] request)
    {
        var errno = InterfaceIoctl.Invoke(_control, ioctl, request);
        if (errno != 0) throw Failure($"{_logName}: ioctl({ioctlName})", errno);
    }

    /// <summary>Adds network/prefix via <paramref name="gateway"/> on this interface; returns
    /// errno (0 on success, EEXIST if it is already there).</summary>
    /// <summary>Gives the interface its IPv6 address and point-to-point peer; returns errno.</summary>
    public int AddAddress6(IPAddress local, IPAddress peer) => _routes.AddAddress6(InterfaceIndex, local, peer);

    public int AddRoute(IPAddress network, int prefixLength, IPAddress? gateway) =>
        _routes.AddRoute(network, prefixLength, gateway, InterfaceIndex);

    /// <summary>Removes a route added by <see cref="AddRoute"/>; returns errno (0 on success).</summary>
    public int DeleteRoute(IPAddress network, int prefixLength, IPAddress? gateway) =>
        _routes.DeleteRoute(network, prefixLength, gateway, InterfaceIndex);

    /// <summary>Reads one packet into <paramref name="buffer"/> at its current start, leaving the
    /// pool's tailroom free for later framing. Plain mode only: in offload mode every read starts
    /// with a virtio header and goes through <see cref="TunOffloadReader"/>. Never throws.</summary>
    public TunReadResult TryRead(PacketBuffer buffer, out int errno)
    {
        var space = buffer.Writable;
        var limit = Math.Max(0, space.Length - BufferPool.DefaultTailroom);
        nint count;
        fixed (byte* p = space) count = Libc.Read(_fd, p, limit);
        if (count > 0)
        {
            buffer.SetLength((int)count);
            errno = 0;
            return TunReadResult.Packet;
        }
        if (count == 0)
        {
            errno = 0;
            return TunReadResult.EndOfFile;
        }
        errno = Errno.Last;
        return errno is Errno.EAGAIN or Errno.EINTR ? TunReadResult.WouldBlock : TunReadResult.Error;
    }

    /// <summary>Writes one whole packet; returns the byte count written or -1 with errno.</summary>
    public int TryWrite(ReadOnlySpan<byte> packet, out int errno)
    {
        nint written;
        fixed (byte* p = packet) written = Libc.Write(_fd, p, packet.Length);
        errno = written < 0 ? Errno.Last : 0;
        return (int)written;
    }

    /// <summary>Writes <paramref name="packet"/> behind a zero virtio header (offload mode). The
    /// header goes in the packet's headroom, so one write(2) from one place does (writev from a
    /// header area of its own touched one more cold cache line per packet after a quiet spell);
    /// the packet then starts at the header, for its caller to release. Returns the bytes of the
    /// packet written or -1 with errno.</summary>
    public int TryWriteBehindPlainHeader(PacketBuffer packet, out int errno)
    {
        if (packet.TryPrepend(VirtioNetHeader.Size, out var header))
        {
            header.Clear();
            int total = TryWrite(packet.Data, out errno);
            return total < 0 ? -1 : total - VirtioNetHeader.Size;
        }
        ReadOnlySpan<byte> none = stackalloc byte[VirtioNetHeader.Size];
        int written = TryWrite(none, packet.Data, out errno);
        return written < 0 ? -1 : written - VirtioNetHeader.Size;
    }

    /// <summary>Writes <paramref name="header"/> and <paramref name="packet"/> as one packet with
    /// writev; returns the byte count written or -1 with errno.</summary>
    public int TryWrite(ReadOnlySpan<byte> header, ReadOnlySpan<byte> packet, out int errno)
    {
        nint written;
        fixed (byte* h = header)
        fixed (byte* p = packet)
        {
            Libc.IoVec* vectors = stackalloc Libc.IoVec[2];
            vectors[0] = new Libc.IoVec { Base = h, Length = (nuint)header.Length };
            vectors[1] = new Libc.IoVec { Base = p, Length = (nuint)packet.Length };
            written = Libc.WriteV(_fd, vectors, 2);
        }
        errno = written < 0 ? Errno.Last : 0;
        return (int)written;
    }

    private static IOException Failure(string what, int errno) => new($"{what}: {Errno.Describe(errno)}");

    public void Dispose()
    {
        _routes.Dispose();
        var control = Interlocked.Exchange(ref _control, -1);
        if (control >= 0) Libc.Close(control);
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0) Libc.Close(fd);
    }
}
