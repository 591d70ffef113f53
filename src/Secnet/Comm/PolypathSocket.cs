using System.Net;
using System.Net.Sockets;
using System.Text;
using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// One polypath socket: bound to one local address and port and tied to its interface with
/// SO_BINDTODEVICE. It receives on the daemon's packet loop, as udp's sockets do (recvmmsg, GRO,
/// one PacketBatch per receive: <see cref="DatagramSource"/>), so datagrams of every socket reach
/// the sites on one thread in the order they were read, and a mobile peer's source addresses are
/// learnt in that order. Sending is a raw sendto on the fd so a failure is an errno, never an
/// exception.
/// </summary>
internal sealed class PolypathSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly nint _fd;
    private PacketIoLoop? _loop;
    private Source? _source;
    private UdpSegmentingSender? _sender;
    private int _experienced; // bit per (direction, outcome), so each is logged once

    private PolypathSocket(Socket socket, string interfaceName, IPEndPoint local)
    {
        _socket = socket;
        _fd = socket.Handle;
        InterfaceName = interfaceName;
        Local = local;
    }

    public string InterfaceName { get; }

    /// <summary>The configured address and port (secnet shows these, not the kernel's choice).</summary>
    public IPEndPoint Local { get; }

    public AddressFamily Family => Local.AddressFamily;

    /// <summary>The address the kernel bound (its port when <see cref="Local"/> asked for 0).</summary>
    internal IPEndPoint? BoundEndPoint => (IPEndPoint?)_socket.LocalEndPoint;

    /// <summary>The receive buffer as the kernel reports it (twice the usable size).</summary>
    internal int ReceiveBufferSize => _socket.ReceiveBufferSize;

    /// <summary>The descriptor, for the privsep helper to pass to the daemon (PolypathPrivsep*).</summary>
    internal nint Fd => _fd;

    /// <summary>
    /// Privsep: wraps a socket the privileged helper created, bound and tied to its interface,
    /// received over SCM_RIGHTS (PolypathPrivsep*).
    /// </summary>
    internal static PolypathSocket Adopt(Socket socket, string interfaceName, IPEndPoint local) =>
        new(socket, interfaceName, local);

    /// <summary>
    /// Privsep helper: closes this process's copy after passing it on. Unlike <see cref="Dispose"/>
    /// there is no shutdown(), which would act on the socket the daemon now holds.
    /// </summary>
    internal void CloseWithoutShutdown()
    {
        // The raw close(): the runtime's socket teardown may shutdown() sockets it thinks busy.
        var handle = _socket.SafeHandle;
        var fd = (int)handle.DangerousGetHandle();
        handle.SetHandleAsInvalid();
        Interop.Libc.Close(fd);
    }

    /// <summary>
    /// Creates, binds (directly or through <paramref name="authbind"/>) and ties the socket to its
    /// interface. On failure returns null and secnet's warning texts in <paramref name="problem"/>
    /// (the perror-style detail) and <paramref name="summary"/> (the state-change reason).
    /// </summary>
    public static PolypathSocket? TryCreate(string interfaceName, IPEndPoint local, string? authbind,
        out string? problem, out string? summary)
    {
        problem = null;
        summary = null;
        Socket socket;
        try
        {
            socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }
        catch (SocketException e)
        {
            problem = $"socket: {e.Message}";
            summary = "unable to set up socket";
            return null;
        }
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
            var bindError = authbind is null ? Bind(socket, local) : PolypathAuthbind.Bind(authbind, socket, local);
            if (bindError is not null)
            {
                problem = bindError;
                summary = "unable to set up socket";
                socket.Dispose();
                return null;
            }
            var name = Encoding.UTF8.GetBytes(interfaceName + "\0");
            socket.SetRawSocketOption(Libc.SOL_SOCKET, Libc.SO_BINDTODEVICE, name);
            // As for udp: room for a burst. Here, where the socket is made (by the daemon or by
            // the privileged helper), SO_RCVBUFFORCE still works; a socket adopted later keeps it.
            UdpReceiveBuffer.Grow((int)socket.SafeHandle.DangerousGetHandle(), UdpReceiveBuffer.DefaultBytes);
        }
        catch (SocketException e)
        {
            summary = "setsockopt(,,SO_BINDTODEVICE,)";
            problem = e.Message;
            socket.Dispose();
            return null;
        }
        return new PolypathSocket(socket, interfaceName, local);
    }

    private static string? Bind(Socket socket, IPEndPoint local)
    {
        try
        {
            socket.Bind(local);
            return null;
        }
        catch (SocketException e)
        {
            return $"bind ({SocketAddresses.Format(local)}): {e.Message}";
        }
    }

    /// <summary>Joins <paramref name="loop"/>; <paramref name="deliver"/> gets every datagram,
    /// on the loop's thread.</summary>
    public void StartReceiving(PacketIoLoop loop, BufferPool pool, UdpOffloadCounters offload,
        Action<PolypathSocket, PacketBuffer, SocketAddress> deliver)
    {
        _sender = new UdpSegmentingSender(offload, UdpOffload.SupportsSegmentation((int)_fd));
        _source = new Source(this, pool, offload, deliver);
        _loop = loop;
        loop.Add(_source);
    }

    private sealed class Source(PolypathSocket socket, BufferPool pool, UdpOffloadCounters offload,
        Action<PolypathSocket, PacketBuffer, SocketAddress> deliver)
        : DatagramSource((int)socket._fd, pool, socket.Family, offload)
    {
        protected override void Dispatch(PacketBuffer packet, SocketAddress source) => deliver(socket, packet, source);
    }

    /// <summary>sendto; 0 on success, else errno.</summary>
    public int Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        return DatagramIo.SendTo((int)_fd, datagram, destination.Buffer.Span[..destination.Size]);
    }

    /// <summary>sendmmsg with UDP segmentation, as udp sends (once receiving, see
    /// <see cref="StartReceiving"/>): the count of leading datagrams sent; fewer leaves the
    /// failure in <paramref name="errno"/>.</summary>
    public unsafe int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination, out int errno)
    {
        byte* name = stackalloc byte[Libc.SockaddrStorageSize];
        int nameLength = Math.Min(destination.Size, Libc.SockaddrStorageSize);
        destination.Buffer.Span[..nameLength].CopyTo(new Span<byte>(name, nameLength));
        return _sender!.Send((int)_fd, datagrams, name, nameLength, out errno, out _);
    }

    /// <summary>True the first time this (direction, outcome) pair is seen.</summary>
    public bool FirstTime(bool transmit, bool success)
    {
        var bit = 1 << ((transmit ? 2 : 0) + (success ? 1 : 0));
        if ((Volatile.Read(ref _experienced) & bit) != 0) return false;
        return (Interlocked.Or(ref _experienced, bit) & bit) == 0;
    }

    /// <summary>Leaves the loop (which stops polling the descriptor first), then closes.</summary>
    public void Dispose()
    {
        if (_source is { } source)
        {
            _loop!.Remove(source);
            source.Dispose();
            _source = null;
        }
        _socket.Dispose();
    }
}
