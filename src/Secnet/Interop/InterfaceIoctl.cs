using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Secnet.Interop;

/// <summary>
/// struct ifreq and the SIOCSIF* / TUNSETIFF ioctls (x86-64/arm64 Linux layout: 16-byte name,
/// then a 24-byte union holding flags, a sockaddr or the MTU).
/// </summary>
internal static unsafe class InterfaceIoctl
{
    public const int IFNAMSIZ = 16;
    private const int IfreqSize = 40;
    private const int UnionOffset = IFNAMSIZ;

    public const nuint SIOCSIFFLAGS = 0x8914;
    public const nuint SIOCSIFADDR = 0x8916;
    public const nuint SIOCSIFDSTADDR = 0x8918;
    public const nuint SIOCSIFNETMASK = 0x891c;
    public const nuint SIOCSIFMTU = 0x8922;
    public const nuint SIOCGIFINDEX = 0x8933;
    /// <summary>_IOW('T', 202, int).</summary>
    public const nuint TUNSETIFF = 0x400454ca;

    public const short IFF_UP = 0x1;
    public const short IFF_POINTOPOINT = 0x10;
    public const short IFF_RUNNING = 0x40;
    public const short IFF_NOARP = 0x80;

    public const short IFF_TUN = 0x0001;
    public const short IFF_NO_PI = 0x1000;

    /// <summary>Builds an ifreq for <paramref name="interfaceName"/> (may be empty: kernel picks).</summary>
    public static byte[] NewRequest(string interfaceName)
    {
        var request = new byte[IfreqSize];
        var nameBytes = Encoding.ASCII.GetBytes(interfaceName);
        if (nameBytes.Length >= IFNAMSIZ)
            throw new ArgumentException($"interface name \"{interfaceName}\" is too long", nameof(interfaceName));
        nameBytes.CopyTo(request, 0);
        return request;
    }

    /// <summary>The interface name the kernel wrote back into an ifreq.</summary>
    public static string NameOf(ReadOnlySpan<byte> request)
    {
        var name = request[..IFNAMSIZ];
        var end = name.IndexOf((byte)0);
        return Encoding.ASCII.GetString(end < 0 ? name : name[..end]);
    }

    public static void SetFlags(Span<byte> request, short flags) =>
        BinaryPrimitives.WriteInt16LittleEndian(request[UnionOffset..], flags);

    public static short GetFlags(ReadOnlySpan<byte> request) =>
        BinaryPrimitives.ReadInt16LittleEndian(request[UnionOffset..]);

    public static void SetInt(Span<byte> request, int value) =>
        BinaryPrimitives.WriteInt32LittleEndian(request[UnionOffset..], value);

    public static int GetInt(ReadOnlySpan<byte> request) =>
        BinaryPrimitives.ReadInt32LittleEndian(request[UnionOffset..]);

    /// <summary>Writes a sockaddr_in (port 0) holding <paramref name="address"/> into the union.</summary>
    public static void SetAddress(Span<byte> request, IPAddress address)
    {
        var union = request.Slice(UnionOffset, IfreqSize - UnionOffset);
        union.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(union, Libc.AF_INET);
        if (!address.TryWriteBytes(union.Slice(4, 4), out _))
            throw new ArgumentException("not an IPv4 address", nameof(address));
    }

    /// <summary>ioctl(fd, request, ifreq); returns errno (0 on success).</summary>
    public static int Invoke(int fd, nuint request, Span<byte> ifreq)
    {
        fixed (byte* p = ifreq)
            return Libc.Ioctl(fd, request, p) < 0 ? Errno.Last : 0;
    }
}
