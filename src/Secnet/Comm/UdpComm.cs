// Receive pipeline of a UDP comm: in the daemon, the one PacketIoLoop thread (shared with the tun
// devices) drains each socket with recvmmsg, up to 32 pooled buffers per system call (no
// per-datagram allocation); without a loop (some tests) each socket gets a thread of its own. That
// thread offers each datagram to the registered sites in order (sequential per socket), inside one
// PacketBatch per call: a site claims MSG0 for its data path and decrypts the batch's packets
// together when the batch closes; key-setup messages are posted to the owner thread. Sending a
// batch uses sendmmsg with UDP segmentation offload, and receiving asks for UDP GRO
// (UdpSegmentingSender, UdpGroReceiver).
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
    private ICommReceiver[] _receivers = [];
    private readonly Lock _registerLock = new();
    private readonly List<Endpoint> _sockets = new();
    private volatile bool _stopping;

    public UdpComm(UdpCommOptions options, ILog log, BufferPool? pool = null)
    {
        _o = options;
        _log = log;
        _pool = pool ?? new BufferPool(Math.Max(options.BufferSize, 2048));
    }

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

    /// <summary>Receives on the shared packet loop that found the socket empty (EAGAIN).</summary>
    public long EmptyReceives => Interlocked.Read(ref _emptyReceives);
    private long _naksSent, _unclaimed, _emptyReceives;

    public void Register(ICommReceiver receiver)
    {
        // Copy-on-write: the receiving thread reads the array without locking or allocating.
        lock (_registerLock) Volatile.Write(ref _receivers, [.. _receivers, receiver]);
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
            endpoint = new Endpoint(this, s, (IPEndPoint)s.LocalEndPoint!);
            return null;
        }
        catch (SocketException e)
        {
            s?.Dispose();
            return _o.Authbind is null ? $"bind ({SocketAddresses.Format(ep)}): {e.Message}" : $"socket ({SocketAddresses.Format(ep)}): {e.Message}";
        }
    }

    /// <summary>RUN phase: receives on the daemon's shared packet thread when <paramref name="loop"/> is given,
    /// otherwise on a thread per socket.</summary>
    public void StartReceiving(PacketIoLoop? loop = null)
    {
        if (loop is not null)
        {
            _loop = loop;
            foreach (var s in _sockets) s.Attach(loop);
            return;
        }
        foreach (var s in _sockets)
        {
            var t = new Thread(s.ReceiveLoop) { IsBackground = true, Name = $"{_o.InstanceName} {SocketAddresses.Format(s.Local)}" };
            s.Thread = t;
            t.Start();
        }
    }

    public bool Supports(AddressFamily family)
    {
        foreach (var s in _sockets) if (s.Local.AddressFamily == family) return true;
        return false;
    }

    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        foreach (var s in _sockets)
        {
            if (s.Local.AddressFamily != destination.Family) continue;
            if (s.Send(datagram, destination)) return true;
        }
        return false;
    }

    public int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination)
    {
        foreach (var s in _sockets)
        {
            if (s.Local.AddressFamily != destination.Family) continue;
            return s.SendBatch(datagrams, destination);
        }
        return 0;
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

    private void Dispatch(PacketBuffer packet, SocketAddress source)
    {
        string? refusal = null;
        foreach (var r in Volatile.Read(ref _receivers))
            if (r.TryReceive(this, packet, source, ref refusal)) return;
        Interlocked.Increment(ref _unclaimed);
        var data = packet.Data;
        if (data.Length > PacketHeader.Length && PacketHeader.TryParse(data, out var h) && h.Label != MessageLabel.Nak)
        {
            if (_nakLimit.TryTake(out bool startedLimiting)) SendNak(source, h, refusal ?? "");
            else if (startedLimiting) Note(LogClass.Info, NakLimitText);
        }
        packet.Release();
    }

    internal static readonly string NakLimitText =
        $"more than {NakLimiter.PerSecond} datagrams a second for no site: not sending NAKs for all of them";

    private PacketIoLoop? _loop;

    public void Dispose()
    {
        _stopping = true;
        // The loop must not poll or read a socket once it is closed.
        _loop?.Dispose();
        foreach (var s in _sockets) s.Detach();
        foreach (var s in _sockets) s.Socket.Dispose();
        foreach (var s in _sockets) s.Thread?.Join(1000);
        _sockets.Clear();
    }

    private sealed unsafe class Endpoint(UdpComm owner, Socket socket, IPEndPoint local)
    {
        private const int IdlePollMs = 200;

        private readonly UdpSegmentingSender _sender = new(owner.Offload, UdpOffload.SupportsSegmentation((int)socket.SafeHandle.DangerousGetHandle()));

        private int _sendOk, _sendTrouble, _recvOk;

        public Socket Socket { get; } = socket;
        public IPEndPoint Local { get; } = local;
        public Thread? Thread { get; set; }

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

        /// <summary>sendmmsg with segmentation offload; the first failure ends the batch and is noted once.</summary>
        public int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination)
        {
            if (datagrams.Length == 1) return Send(datagrams[0].Data, destination) ? 1 : 0;
            byte* name = stackalloc byte[Libc.SockaddrStorageSize];
            int nameLength = Math.Min(destination.Size, Libc.SockaddrStorageSize);
            destination.Buffer.Span[..nameLength].CopyTo(new Span<byte>(name, nameLength));
            bool added = false;
            try
            {
                Socket.SafeHandle.DangerousAddRef(ref added);
                int fd = (int)Socket.SafeHandle.DangerousGetHandle();
                int sent = _sender.Send(fd, datagrams, name, nameLength, out int errno, out bool switchedOff);
                if (switchedOff)
                    owner.Note(LogClass.Info, $"socket {SocketAddresses.Format(Local)}: kernel refused UDP segmentation offload, sending datagrams singly from now on");
                if (sent < datagrams.Length) NoteSendTrouble(destination, Errno.Describe(errno));
                else NoteSendSuccess(destination);
                return sent;
            }
            catch (ObjectDisposedException e)
            {
                NoteSendTrouble(destination, e.Message);
                return 0;
            }
            finally
            {
                if (added) Socket.SafeHandle.DangerousRelease();
            }
        }

        private void NoteSendSuccess(SocketAddress destination)
        {
            if (Volatile.Read(ref _sendOk) == 0 && Interlocked.Exchange(ref _sendOk, 1) == 0)
                owner.Note(LogClass.Info, $"socket {SocketAddresses.Format(Local)} experiencing some success transmitting {Family} (to {SocketAddresses.Format(SocketAddresses.ToEndPoint(destination))})");
        }

        private void NoteSendTrouble(SocketAddress destination, string message)
        {
            if (Interlocked.Exchange(ref _sendTrouble, 1) == 0)
                owner.Note(LogClass.Warning, $"socket {SocketAddresses.Format(Local)} trouble transmitting {Family} (to {SocketAddresses.Format(SocketAddresses.ToEndPoint(destination))}): {message}");
        }

        /// <summary>Blocking recvmmsg (one system call per wake-up, like the blocking recvfrom it
        /// replaces) with a receive timeout so that a stop is noticed; each non-empty receive is one
        /// <see cref="PacketBatch"/>.</summary>
        private IDatagramReceiver NewReceiver(int fd) => UdpOffload.TryEnableGro(fd)
            ? new UdpGroReceiver(owner._pool, Local.AddressFamily, owner.Offload)
            : new UdpBatchReceiver(owner._pool, Local.AddressFamily);

        private readonly Action<PacketBuffer, SocketAddress> _dispatch = owner.Dispatch;

        /// <summary>Hands one receive's datagrams to the sites as one batch.</summary>
        private void Deliver(IDatagramReceiver receiver, int n)
        {
            if (Volatile.Read(ref _recvOk) == 0 && Interlocked.Exchange(ref _recvOk, 1) == 0)
                owner.Note(LogClass.Info, $"socket {SocketAddresses.Format(Local)} experiencing some success receiving {Family}");
            DatagramBatch.Deliver(receiver, n, _dispatch);
        }

        /// <summary>Most receives per wake-up of the shared loop, so a busy socket leaves the
        /// loop's other descriptors their turn.</summary>
        private const int LoopReceives = 4;

        private IDatagramReceiver? _loopReceiver;
        private int _loopFd = -1;

        private bool _loopRef;

        public void Attach(PacketIoLoop loop)
        {
            // Held until Detach, so the descriptor number the loop polls cannot be reused.
            Socket.SafeHandle.DangerousAddRef(ref _loopRef);
            _loopFd = (int)Socket.SafeHandle.DangerousGetHandle();
            _loopReceiver = NewReceiver(_loopFd);
            loop.Add(new LoopSource(this));
        }

        /// <summary>Frees the loop's receive state; the loop has stopped.</summary>
        public void Detach()
        {
            _loopReceiver?.Dispose();
            _loopReceiver = null;
            if (_loopRef) Socket.SafeHandle.DangerousRelease();
            _loopRef = false;
        }

        /// <summary>One wake-up of the shared loop: receives without waiting until the socket is
        /// empty or the bound is reached. Errors (an ICMP error left on the socket) are consumed
        /// by the receive itself; false only once the comm is closing.</summary>
        private bool ReceiveFromLoop()
        {
            if (owner._stopping) return false;
            for (int round = 0; round < LoopReceives; round++)
            {
                int n = _loopReceiver!.Receive(_loopFd, wait: false, out _);
                if (n == 0) Interlocked.Increment(ref owner._emptyReceives);
                if (n <= 0) break;
                Deliver(_loopReceiver, n);
                // A short receive emptied the socket: asking again would only return EAGAIN, a
                // system call per lone datagram that secnet's own loop does not pay either.
                if (n < _loopReceiver.Capacity) break;
            }
            return true;
        }

        private sealed class LoopSource(Endpoint endpoint) : ReadableSource
        {
            public override int FileDescriptor => endpoint._loopFd;

            public override bool OnReadable() => endpoint.ReceiveFromLoop();
        }

        public void ReceiveLoop()
        {
            bool added = false;
            try
            {
                Socket.ReceiveTimeout = IdlePollMs;
                Socket.SafeHandle.DangerousAddRef(ref added);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            int fd = (int)Socket.SafeHandle.DangerousGetHandle();
            using IDatagramReceiver receiver = NewReceiver(fd);
            Libc.PollFd pfd;
            try
            {
                while (!owner._stopping)
                {
                    int n = receiver.Receive(fd, wait: true, out int errno);
                    if (n > 0)
                    {
                        Deliver(receiver, n);
                        continue;
                    }
                    if (n < 0 && errno == Errno.EINTR) continue;
                    // The receive timeout, an error such as ECONNREFUSED left by an ICMP, or a
                    // descriptor that is not blocking after all: wait for data rather than spin.
                    pfd = new Libc.PollFd { Fd = fd, Events = Libc.POLLIN };
                    Libc.Poll(&pfd, 1, IdlePollMs);
                }
            }
            finally
            {
                if (added) Socket.SafeHandle.DangerousRelease();
            }
        }
    }

    private void Note(LogClass cls, string text)
    {
        if (_log.IsEnabled(cls)) _log.Log(cls, $"udp ({_o.Location}): {text}");
    }
}
