// Receive pipeline of a UDP comm: the daemon's one PacketIoLoop thread (shared with the tun
// devices and polypath's sockets) drains each socket with recvmmsg (DatagramSource), up to 32
// pooled buffers per system call (no per-datagram allocation), and hands each datagram to its site
// by destination index (CommReceivers; MSG1 and PROD to the sites in order, by the names they
// carry), inside one PacketBatch per call: a site claims MSG0 for its data path
// and decrypts the batch's packets together when the batch closes; key-setup messages are posted
// to the owner thread. Sending a batch uses sendmmsg with UDP segmentation offload, and receiving
// asks for UDP GRO (UdpSegmentingSender, UdpGroReceiver).
using System.Net;
using System.Net.Sockets;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;
using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>The <c>udp</c> comm (runtime.md §7): plain sockets on the configured addresses.</summary>
public sealed class UdpComm : IComm, IDisposable
{
    private readonly UdpCommOptions _o;
    private readonly ILog _log;
    private readonly BufferPool _pool;
    private CommReceivers _receivers = CommReceivers.Empty;
    private readonly Lock _registerLock = new();
    private readonly List<Endpoint> _sockets = new();
    private PacketIoLoop? _loop;

    public UdpComm(UdpCommOptions options, ILog log, BufferPool? pool = null)
    {
        _o = options;
        _log = log;
        _pool = pool ?? new BufferPool(Math.Max(options.BufferSize, 2048));
    }

    /// <summary>What the configuration asked for (a reload matches comms by it).</summary>
    public UdpCommOptions Options => _o;

    /// <summary>Local endpoints actually bound (after <see cref="Open"/>), in configuration order.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => _sockets.ConvertAll(s => s.Local);

    /// <summary>What UDP segmentation (send) and GRO (receive) did on this comm's sockets.</summary>
    public UdpOffloadCounters Offload { get; } = new();

    /// <summary>Each bound socket's receive buffer as the kernel reports it (twice the usable size).</summary>
    internal int[] ReceiveBufferSizes() => _sockets.ConvertAll(s => s.Socket.ReceiveBufferSize).ToArray();

    public long NaksSent => Interlocked.Read(ref _naksSent);
    public long Unclaimed => Interlocked.Read(ref _unclaimed);

    /// <summary>Datagrams no site claimed that got no NAK because of the rate limit.</summary>
    public long NaksSuppressed => _nakLimit.Suppressed;

    private readonly NakLimiter _nakLimit = new();

    /// <summary>Receives on the packet loop that found a socket empty (EAGAIN).</summary>
    public long EmptyReceives
    {
        get
        {
            long n = 0;
            foreach (var s in _sockets) n += s.EmptyReceives;
            return n;
        }
    }

    private long _naksSent, _unclaimed;

    public void Register(ICommReceiver receiver)
    {
        // Copy-on-write: the receiving thread reads the table without locking or allocating.
        lock (_registerLock) Volatile.Write(ref _receivers, _receivers.With(receiver, this));
    }

    public void Unregister(ICommReceiver receiver)
    {
        lock (_registerLock) Volatile.Write(ref _receivers, _receivers.Without(receiver));
    }

    /// <summary>Creates and binds the sockets (GETRESOURCES); returns null or the fatal error text.</summary>
    public string? Open()
    {
        var addrs = _o.EffectiveAddresses;
        bool defaults = _o.Addresses is null;
        string? lastError = null;
        for (int i = 0; i < addrs.Count; i++)
        {
            var ep = new IPEndPoint(addrs[i], _o.Port);
            var error = TryOpen(ep, out var s);
            if (s is not null)
            {
                _sockets.Add(s);
                continue;
            }
            lastError = error;
            // With the default pair only the last (IPv4) socket is required, and only if none worked.
            bool required = !defaults || (i == addrs.Count - 1 && _sockets.Count == 0);
            if (required) return error;
            _log.Log(LogClass.Warning, $"udp ({_o.Location}): {error}");
        }
        return _sockets.Count > 0 ? null : lastError;
    }

    private string? TryOpen(IPEndPoint ep, out Endpoint? endpoint)
    {
        endpoint = null;
        Socket? s = null;
        try
        {
            s = new Socket(ep.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            if (ep.AddressFamily == AddressFamily.InterNetworkV6) s.DualMode = false;
            if (_o.Authbind is { } helper)
            {
                var err = Authbind.Bind(helper, s, ep);
                if (err is not null)
                {
                    s.Dispose();
                    return err;
                }
                // The helper bound the descriptor behind .NET's back: rewrap it so the Socket knows.
                s = new Socket(s.SafeHandle);
            }
            else
            {
                s.Bind(ep);
            }
            UdpReceiveBuffer.Grow((int)s.SafeHandle.DangerousGetHandle(), UdpReceiveBuffer.DefaultBytes);
            endpoint = new Endpoint(this, s, (IPEndPoint)s.LocalEndPoint!, (int)s.SafeHandle.DangerousGetHandle());
            return null;
        }
        catch (SocketException e)
        {
            s?.Dispose();
            return _o.Authbind is null ? $"bind ({SocketAddresses.Format(ep)}): {e.Message}" : $"socket ({SocketAddresses.Format(ep)}): {e.Message}";
        }
    }

    /// <summary>RUN phase: the sockets join the daemon's packet loop.</summary>
    public void StartReceiving(PacketIoLoop loop)
    {
        _loop = loop;
        foreach (var s in _sockets) loop.Add(s);
    }

    public bool Supports(AddressFamily family)
    {
        foreach (var s in _sockets) if (s.Local.AddressFamily == family) return true;
        return false;
    }

    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        var family = SocketAddresses.FamilyOf(destination);
        foreach (var s in _sockets)
        {
            if (s.Local.AddressFamily != family) continue;
            if (s.Send(datagram, destination)) return true;
        }
        return false;
    }

    /// <summary>sendmmsg with segmentation offload through the first socket of the family; a lone
    /// datagram (a ping, an ACK: the latency-bound case) by plain sendto(2), as secnet does. The
    /// first failure ends the batch and is noted once.</summary>
    public unsafe int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination)
    {
        Endpoint? s = null;
        var family = SocketAddresses.FamilyOf(destination);
        foreach (var e in _sockets)
        {
            if (e.Local.AddressFamily != family) continue;
            s = e;
            break;
        }
        if (s is null) return 0;
        bool added = false;
        try
        {
            s.Socket.SafeHandle.DangerousAddRef(ref added);
            int fd = s.FileDescriptor;
            int sent, errno;
            if (datagrams.Length == 1)
            {
                errno = DatagramIo.SendTo(fd, datagrams[0].Data, destination.Buffer.Span[..destination.Size]);
                sent = errno == 0 ? 1 : 0;
            }
            else
            {
                byte* name = stackalloc byte[Libc.SockaddrStorageSize];
                int nameLength = Math.Min(destination.Size, Libc.SockaddrStorageSize);
                destination.Buffer.Span[..nameLength].CopyTo(new Span<byte>(name, nameLength));
                sent = s.Sender.Send(fd, datagrams, name, nameLength, out errno, out bool switchedOff);
                if (switchedOff)
                    Note(LogClass.Info, $"socket {SocketAddresses.Format(s.Local)}: kernel refused UDP segmentation offload, sending datagrams singly from now on");
            }
            if (sent < datagrams.Length) s.NoteSendTrouble(destination, Errno.Describe(errno));
            else s.NoteSendSuccess(destination);
            return sent;
        }
        catch (ObjectDisposedException e)
        {
            s.NoteSendTrouble(destination, e.Message);
            return 0;
        }
        finally
        {
            if (added) s.Socket.SafeHandle.DangerousRelease();
        }
    }

    public void SendNak(SocketAddress destination, PacketHeader offending, string reason)
    {
        Span<byte> nak = stackalloc byte[PacketHeader.Length];
        offending.NakReply().Write(nak);
        Interlocked.Increment(ref _naksSent);
        if (_log.IsEnabled(LogClass.Info))
            _log.Log(LogClass.Info, $"{Describe(destination)}: sending NAK for {offending.Label:x8} {offending.Dest:x8}<-{offending.Source:x8}: {reason}");
        Send(nak, destination);
    }

    /// <summary>SIGUSR1 (our addition): what this comm's sockets did, at info.</summary>
    public void ReportCounters()
    {
        var o = Offload;
        Note(LogClass.Info, $"counters: NAKs sent {NaksSent}, datagrams for no site {Unclaimed} ({NaksSuppressed} not NAKed: rate limit), " +
            $"empty receives {EmptyReceives}; segmentation offload: {o.GsoMessages} messages carrying {o.GsoDatagrams} datagrams " +
            $"({o.GsoFallbacks} sockets fell back); GRO: {o.GroMessages} messages split into {o.GroDatagrams} datagrams " +
            $"({o.GroMalformed} malformed)");
    }

    public string Describe(SocketAddress peer)
    {
        Endpoint? local = null;
        int sameFamily = 0;
        foreach (var s in _sockets)
        {
            if (s.Local.AddressFamily != peer.Family) continue;
            local ??= s;
            sameFamily++;
        }
        string l = local is null ? "" : SocketAddresses.Format(local.Local);
        return $"{_o.InstanceName}:{l}{(sameFamily > 1 ? "&" : "")}-{SocketAddresses.Format(SocketAddresses.ToEndPoint(peer))}";
    }

    /// <summary>A datagram no site claimed: a NAK, within the rate limit.</summary>
    private void NakUnclaimed(PacketBuffer packet, SocketAddress source, PacketHeader h, bool parsed, string? refusal)
    {
        Interlocked.Increment(ref _unclaimed);
        if (_nakLimit.TryTake(parsed, packet.Length, h, out bool startedLimiting)) SendNak(source, h, refusal ?? "");
        else if (startedLimiting) Note(LogClass.Info, NakLimitText);
        packet.Release();
    }

    internal static readonly string NakLimitText =
        $"more than {NakLimiter.PerSecond} datagrams a second for no site: not sending NAKs for all of them";

    public void Dispose()
    {
        foreach (var s in _sockets)
        {
            // The loop must not poll or read a socket once it is closed.
            _loop?.Remove(s);
            s.Close();
        }
        _sockets.Clear();
    }

    /// <summary>One bound socket: the loop receives on it, any thread sends through it.</summary>
    private sealed unsafe class Endpoint(UdpComm owner, Socket socket, IPEndPoint local, int fd)
        : DatagramSource(fd, owner._pool, local.AddressFamily, owner.Offload)
    {
        public UdpSegmentingSender Sender { get; } = new(owner.Offload, UdpOffload.SupportsSegmentation(fd));
        private bool _ref = AddRef(socket);
        private int _sendOk, _sendTrouble, _recvOk;

        public Socket Socket { get; } = socket;
        public IPEndPoint Local { get; } = local;

        /// <summary>Held until <see cref="Close"/>, so the descriptor number the loop polls
        /// cannot be reused.</summary>
        private static bool AddRef(Socket socket)
        {
            bool added = false;
            socket.SafeHandle.DangerousAddRef(ref added);
            return added;
        }

        /// <summary>Frees the receive state and closes the socket; the loop no longer watches it.</summary>
        public void Close()
        {
            Dispose();
            if (_ref) Socket.SafeHandle.DangerousRelease();
            _ref = false;
            Socket.Dispose();
        }

        /// <summary>Hands the datagram to its site (<see cref="CommReceivers.Offer"/>); one that
        /// none claims may get a NAK.</summary>
        protected override void Dispatch(PacketBuffer packet, SocketAddress source)
        {
            if (Volatile.Read(ref _recvOk) == 0 && Interlocked.Exchange(ref _recvOk, 1) == 0)
                owner.Note(LogClass.Info, $"socket {SocketAddresses.Format(Local)} experiencing some success receiving {Family}");
            if (Volatile.Read(ref owner._receivers).Offer(packet, source, out var header, out bool parsed, out string? refusal)) return;
            owner.NakUnclaimed(packet, source, header, parsed, refusal);
        }

        private string Family => Local.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";

        /// <summary>One datagram by plain sendto(2), as secnet does: a lone packet (a ping, an ACK,
        /// a key-exchange message) is the latency-bound case, where Socket.SendTo's managed layers
        /// showed up in the per-ping profile. A failure is noted once, as on the batch path.</summary>
        public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
        {
            bool added = false;
            try
            {
                Socket.SafeHandle.DangerousAddRef(ref added);
                int fd = (int)Socket.SafeHandle.DangerousGetHandle();
                int errno = DatagramIo.SendTo(fd, datagram, destination.Buffer.Span[..destination.Size]);
                if (errno != 0)
                {
                    NoteSendTrouble(destination, Errno.Describe(errno));
                    return false;
                }
                NoteSendSuccess(destination);
                return true;
            }
            catch (ObjectDisposedException e)
            {
                NoteSendTrouble(destination, e.Message);
                return false;
            }
            finally
            {
                if (added) Socket.SafeHandle.DangerousRelease();
            }
        }

        public void NoteSendSuccess(SocketAddress destination)
        {
            if (Volatile.Read(ref _sendOk) == 0 && Interlocked.Exchange(ref _sendOk, 1) == 0)
                owner.Note(LogClass.Info, $"socket {SocketAddresses.Format(Local)} experiencing some success transmitting {Family} (to {SocketAddresses.Format(SocketAddresses.ToEndPoint(destination))})");
        }

        public void NoteSendTrouble(SocketAddress destination, string message)
        {
            if (Interlocked.Exchange(ref _sendTrouble, 1) == 0)
                owner.Note(LogClass.Warning, $"socket {SocketAddresses.Format(Local)} trouble transmitting {Family} (to {SocketAddresses.Format(SocketAddresses.ToEndPoint(destination))}): {message}");
        }
    }

    private void Note(LogClass cls, string text)
    {
        if (_log.IsEnabled(cls)) _log.Log(cls, $"udp ({_o.Location}): {text}");
    }
}
