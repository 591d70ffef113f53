using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Secnet.Comm;
using Secnet.Crypto;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Runtime;
using Secnet.Sites;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Bench;

/// <summary>
/// Two real sites with a real transform, keyed by a real key exchange (with stand-in DH and
/// signatures, which only run during set-up), joined by an in-process "wire" that queues datagrams
/// in pooled buffers. The measured path is the production one from QueueSeal to FromTunnel:
/// batch queue, sequence numbers, batch seal, framing, batch send, claim, batch open, replay
/// window, delivery.
/// </summary>
internal sealed class DataPathRig
{
    private readonly Queue<Action> _posted = new();
    private readonly PumpScheduler _scheduler;
    private readonly BufferPool _pool = new();
    private readonly Wire _alphaSocket;
    private readonly Wire _bravoSocket;
    private readonly Sink _alphaLink = new("alpha");
    private readonly Sink _bravoLink = new("bravo");

    public DataPathRig(ITransform transform, CryptoWorkerPool? workers = null)
    {
        var scheduler = _scheduler = new PumpScheduler(_posted);
        var alphaAddress = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 16900);
        var bravoAddress = new IPEndPoint(IPAddress.Parse("192.0.2.2"), 16900);
        _alphaSocket = new Wire(_pool, bravoAddress.Serialize());
        _bravoSocket = new Wire(_pool, alphaAddress.Serialize());
        Alpha = new Secnet.Sites.Site(Options("alpha", "bravo", transform), 1, scheduler, _alphaLink, [_alphaSocket], new Literal(_posted)) { Workers = workers };
        Bravo = new Secnet.Sites.Site(Options("bravo", "alpha", transform), 1, scheduler, _bravoLink, [_bravoSocket], new Literal(_posted)) { Workers = workers };
        _alphaSocket.Connect(Alpha, _bravoSocket);
        _bravoSocket.Connect(Bravo, _alphaSocket);
        Alpha.Start();
        Bravo.Start();
        Pump();
        Send(Alpha, 1, 64);
        // Set-up only: let timers fire (clock moved to each deadline) until both sides have a key.
        for (int i = 0; i < 200 && (Alpha.Keys.Current is null || Bravo.Keys.Current is null); i++)
        {
            Pump();
            _scheduler.FireNext();
        }
        if (Alpha.Keys.Current is null || Bravo.Keys.Current is null) throw new InvalidOperationException("no key");
    }

    public Secnet.Sites.Site Alpha { get; }
    public Secnet.Sites.Site Bravo { get; }
    public long Delivered => _bravoLink.Count + _alphaLink.Count;

    /// <summary>One tun drain's worth of packets from alpha, then one receive batch at bravo.</summary>
    public void Send(Secnet.Sites.Site from, int packets, int size)
    {
        SendBatch(from, packets, size);
        Pump();
    }

    /// <summary>Hands <paramref name="packets"/> packets to <paramref name="from"/> in one batch.</summary>
    private void SendBatch(Secnet.Sites.Site from, int packets, int size)
    {
        PacketBatch.Begin();
        try
        {
            for (int i = 0; i < packets; i++)
            {
                var b = _pool.Rent();
                b.TryAppend(size, out var body);
                body.Clear();
                body[0] = 0x45;
                from.QueueSeal(b);
            }
        }
        finally
        {
            PacketBatch.End();
        }
    }

    /// <summary>Alpha's outgoing side alone, as a tun drain under load feeds it: batch after batch
    /// sealed (on the crypto workers, if any) and handed to a socket that counts and drops them;
    /// returns when the last batch has left.</summary>
    public void SealStream(int batches, int packets, int size)
    {
        _alphaSocket.Discard = true;
        try
        {
            for (int n = 0; n < batches; n++) SendBatch(Alpha, packets, size);
            Alpha.WaitForCrypto();
        }
        finally
        {
            _alphaSocket.Discard = false;
        }
    }

    private void Pump()
    {
        for (int round = 0; round < 100; round++)
        {
            bool any = _alphaSocket.Drain() | _bravoSocket.Drain();
            while (_posted.TryDequeue(out var a))
            {
                a();
                any = true;
            }
            if (!any) return;
        }
    }

    private static SiteOptions Options(string local, string peer, ITransform transform) => new()
    {
        Log = NullLog.Instance, LocalName = local, Name = peer, Random = new Counter(),
        LocalKey = new Mac(local), PeerKey = new Mac(peer), Addresses = ["[192.0.2.9]"], Port = 16900,
        Transforms = [transform], Dh = new HashDh(), LinkMtu = 1500, KeyLifetimeMs = int.MaxValue / 2,
    };

    /// <summary>One site's "socket": what it sends lands in the other socket's inbox (pooled
    /// copies), which <see cref="Drain"/> hands to that site in one receive batch.</summary>
    private sealed class Wire(BufferPool pool, SocketAddress peerAddress) : IComm
    {
        private readonly Queue<PacketBuffer> _inbox = new(256);
        private Secnet.Sites.Site? _owner;
        private Wire? _remote;

        public void Connect(Secnet.Sites.Site owner, Wire remote)
        {
            _owner = owner;
            _remote = remote;
        }

        public bool Drain()
        {
            if (_inbox.Count == 0) return false;
            PacketBatch.Begin();
            try
            {
                while (_inbox.TryDequeue(out var b))
                {
                    string? refusal = null;
                    if (!_owner!.TryReceive(this, b, peerAddress, ref refusal)) b.Release();
                }
            }
            finally
            {
                PacketBatch.End();
            }
            return true;
        }

        public void Register(ICommReceiver receiver) { }
        public void Unregister(ICommReceiver receiver) { }
        public bool Supports(AddressFamily family) => true;

        /// <summary>Count and drop what is sent (workers transmit from their own threads).</summary>
        public volatile bool Discard;
        public long Discarded;

        public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
        {
            if (Discard)
            {
                Interlocked.Increment(ref Discarded);
                return true;
            }
            var b = pool.Rent();
            datagram.CopyTo(b.Writable);
            b.SetLength(datagram.Length);
            _remote!._inbox.Enqueue(b);
            return true;
        }

        public int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination)
        {
            foreach (var d in datagrams) Send(d.Data, destination);
            return datagrams.Length;
        }

        public void SendNak(SocketAddress destination, PacketHeader offending, string reason) { }
        public string Describe(SocketAddress peer) => "wire";
    }

    private sealed class Sink(string name) : INetlinkClient
    {
        public long Count;
        public string Name => name;
        public void Register(ITunnelEndpoint endpoint) { }
        public void SetQuality(LinkQuality quality) { }
        public void SetMtu(int mtu) { }
        public void FromTunnel(PacketBuffer packet)
        {
            Count++;
            packet.Release();
        }
    }

    /// <summary>Posts run in Pump; timers only when set-up calls <see cref="FireNext"/>.</summary>
    private sealed class PumpScheduler(Queue<Action> posted) : IScheduler
    {
        private readonly List<Timer> _timers = new();
        public long NowMs { get; private set; } = 1_000_000;
        public void Post(Action action) => posted.Enqueue(action);

        public IDisposable Schedule(long delayMs, Action action)
        {
            var t = new Timer(this, NowMs + delayMs, action);
            _timers.Add(t);
            return t;
        }

        public void FireNext()
        {
            Timer? next = null;
            foreach (var t in _timers) if (next is null || t.Due < next.Due) next = t;
            if (next is null) return;
            _timers.Remove(next);
            NowMs = Math.Max(NowMs, next.Due);
            next.Action();
        }

        private sealed class Timer(PumpScheduler owner, long due, Action action) : IDisposable
        {
            public long Due { get; } = due;
            public Action Action { get; } = action;
            public void Dispose() => owner._timers.Remove(this);
        }
    }

    private sealed class Literal(Queue<Action> posted) : IResolver
    {
        public void Resolve(string name, Action<ResolveResult> done) =>
            posted.Enqueue(() => done(new ResolveResult([IPAddress.Parse(name[1..^1])], 1, null)));
    }

    private sealed class NullLog : ILog
    {
        public static readonly NullLog Instance = new();
        public bool IsEnabled(LogClass cls) => false;
        public void Log(LogClass cls, string message) { }
    }

    private sealed class Counter : IRandomSource
    {
        private byte _next;
        public void Fill(Span<byte> destination)
        {
            for (int i = 0; i < destination.Length; i++) destination[i] = _next++;
        }
    }

    /// <summary>Set-up only: public = hex(secret), shared = hash of both secrets in sorted order.</summary>
    private sealed class HashDh : IDiffieHellman
    {
        public int SecretLength => 16;
        public int CeilLength => 64;
        public byte[] MakePublic(ReadOnlySpan<byte> secret) => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret));
        public DhPeerValue MakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key)
        {
            var peer = Convert.FromHexString(Encoding.ASCII.GetString(peerPublicHex));
            var mine = secret.ToArray();
            var (lo, hi) = mine.AsSpan().SequenceCompareTo(peer) < 0 ? (mine, peer) : (peer, mine);
            var h = SHA512.HashData([.. lo, .. hi]);
            for (int i = 0; i < key.Length; i++) key[i] = h[i % h.Length];
            return DhPeerValue.Accepted;
        }
    }

    private sealed class Mac(string owner) : ISigningKey, IVerifyKey
    {
        private byte[] Tag(ReadOnlySpan<byte> m) =>
            Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(owner), m)));
        public byte[] Sign(ReadOnlySpan<byte> message) => Tag(message);
        public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureHex) => signatureHex.SequenceEqual(Tag(message));
    }
}
