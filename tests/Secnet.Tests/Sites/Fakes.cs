using System.Buffers.Binary;
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
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Tests.Sites;

/// <summary>Owner thread with a manual clock: posts and due timers run in Pump/Advance.</summary>
internal sealed class ManualScheduler : IScheduler
{
    private readonly Queue<Action> _posted = new();
    private readonly List<Timer> _timers = new();
    private long _seq;

    public long NowMs { get; private set; } = 1_000_000;

    public void Post(Action action)
    {
        lock (_posted) _posted.Enqueue(action);
    }

    /// <summary>Posted actions not yet run: what the network has queued for the owner thread.</summary>
    public int PendingPosts
    {
        get
        {
            lock (_posted) return _posted.Count;
        }
    }

    public IDisposable Schedule(long delayMs, Action action)
    {
        var t = new Timer(this, NowMs + delayMs, _seq++, action);
        _timers.Add(t);
        return t;
    }

    public void Pump()
    {
        for (int guard = 0; guard < 100000; guard++)
        {
            Action? a;
            lock (_posted) if (!_posted.TryDequeue(out a)) break;
            a();
        }
        RunDue();
    }

    private void RunDue()
    {
        while (true)
        {
            Timer? next = null;
            foreach (var t in _timers)
                if (t.Due <= NowMs && (next is null || t.Due < next.Due || t.Due == next.Due && t.Seq < next.Seq)) next = t;
            if (next is null) return;
            _timers.Remove(next);
            next.Action();
            Pump();
        }
    }

    /// <summary>Moves the clock forward step by step so timers fire at their own times.</summary>
    public void Advance(long ms, long stepMs = 100)
    {
        long end = NowMs + ms;
        Pump();
        while (NowMs < end)
        {
            long nextDue = end;
            foreach (var t in _timers) if (t.Due > NowMs && t.Due < nextDue) nextDue = t.Due;
            NowMs = Math.Min(nextDue, Math.Min(end, NowMs + stepMs));
            Pump();
        }
    }

    private sealed class Timer(ManualScheduler owner, long due, long seq, Action action) : IDisposable
    {
        public long Due { get; } = due;
        public long Seq { get; } = seq;
        public Action Action { get; } = action;
        public void Dispose() => owner._timers.Remove(this);
    }
}

/// <summary>A keyed-checksum "cipher" that is honest about sequence numbers and replay.</summary>
internal sealed class FakeTransform(string name = "fake", int bit = 9, int keyLength = 0) : ITransform
{
    public string Name => name;
    public int CapabilityBit => bit;
    public int KeyLength => keyLength;
    public int MaxTrailer => 8;
    public ITransformInstance CreateInstance() => new Instance();

    internal sealed class Instance : ITransformInstance
    {
        private uint _key, _nextSend, _firstSend, _lastRecv;
        private uint _seen;
        private bool _keyed;

        public bool IsKeyed => _keyed;

        public void SetKey(ReadOnlySpan<byte> key, bool direction)
        {
            var h = SHA256.HashData(key);
            _key = BinaryPrimitives.ReadUInt32BigEndian(h);
            _nextSend = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(direction ? 8 : 4));
            _firstSend = _nextSend;
            _lastRecv = BinaryPrimitives.ReadUInt32BigEndian(h.AsSpan(direction ? 4 : 8)) - 1;
            _seen = 1;
            _keyed = true;
        }

        public uint NextSendSequence() => _nextSend++;

        public uint SequencesUsed => _nextSend - _firstSend;

        /// <summary>As if <paramref name="count"/> packets had been sealed (a long-lived busy key).</summary>
        public void UseSequences(uint count) => _nextSend += count;

        private uint Sum(ReadOnlySpan<byte> d, uint seq)
        {
            uint s = _key ^ seq;
            foreach (byte b in d) s = s * 31 + b;
            return s;
        }

        public TransformResult Seal(PacketBuffer packet, uint sequence)
        {
            if (!_keyed) return TransformResult.Error;
            uint sum = Sum(packet.Data, sequence);
            if (!packet.TryAppend(8, out var t)) return TransformResult.Error;
            BinaryPrimitives.WriteUInt32BigEndian(t, sum);
            BinaryPrimitives.WriteUInt32BigEndian(t[4..], sequence);
            return TransformResult.Ok;
        }

        public TransformResult Open(PacketBuffer packet, out uint sequence, out string? error)
        {
            sequence = 0;
            error = "transform unkeyed";
            if (!_keyed) return TransformResult.Error;
            error = "packet too short";
            var d = packet.Data;
            if (d.Length < 8) return TransformResult.Error;
            sequence = BinaryPrimitives.ReadUInt32BigEndian(d[^4..]);
            uint sum = BinaryPrimitives.ReadUInt32BigEndian(d[^8..]);
            if (sum != Sum(d[..^8], sequence)) { error = "checksum mismatch"; return TransformResult.Error; }
            packet.TryTrimEnd(8);
            error = null;
            return TransformResult.Ok;
        }

        public TransformResult CheckSequence(uint sequence, out string? error)
        {
            uint ahead = sequence - _lastRecv;
            if (ahead != 0 && ahead < 0x8fffffff)
            {
                _seen = ahead >= 32 ? 1 : (_seen << (int)ahead) | 1;
                _lastRecv = sequence;
                error = null;
                return TransformResult.Ok;
            }
            uint behind = _lastRecv - sequence;
            if (behind > 10) { error = "seqnum: too much skew"; return TransformResult.SequenceRange; }
            if ((_seen & (1u << (int)behind)) != 0) { error = "seqnum: duplicate"; return TransformResult.SequenceDuplicate; }
            _seen |= 1u << (int)behind;
            error = null;
            return TransformResult.Ok;
        }

        public void Dispose() => _keyed = false;
    }
}

/// <summary>DH stand-in: public = hex(secret); shared = hash of both secrets in sorted order;
/// an all-zero public value is out of range, as 0 is for a real group.</summary>
internal sealed class FakeDh : IDiffieHellman
{
    public int SecretLength => 16;
    public int CeilLength => 40;

    public byte[] MakePublic(ReadOnlySpan<byte> secret) => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret));

    public DhPeerValue MakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key)
    {
        byte[] peer;
        try { peer = Convert.FromHexString(Encoding.ASCII.GetString(peerPublicHex)); }
        catch (FormatException) { return DhPeerValue.Unparsable; }
        if (Array.TrueForAll(peer, b => b == 0)) return DhPeerValue.OutOfRange;
        var a = secret.ToArray();
        var (lo, hi) = a.AsSpan().SequenceCompareTo(peer) < 0 ? (a, peer) : (peer, a);
        var h = SHA512.HashData([.. lo, .. hi]);
        for (int i = 0; i < key.Length; i++) key[i] = h[i % h.Length];
        return DhPeerValue.Accepted;
    }
}

internal sealed class FakeKey(string owner) : ISigningKey, IVerifyKey
{
    private byte[] Mac(ReadOnlySpan<byte> m) => Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(owner), m)));
    public byte[] Sign(ReadOnlySpan<byte> message) => Mac(message);
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signatureHex) => signatureHex.SequenceEqual(Mac(message));
}

internal sealed class CountingRandom(byte seed) : IRandomSource
{
    private byte _next = seed;
    public void Fill(Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = _next++;
    }
}

internal sealed class ListLog : ILog
{
    public List<string> Lines { get; } = new();
    public bool IsEnabled(LogClass cls) => true;
    public void Log(LogClass cls, string message)
    {
        lock (Lines) Lines.Add($"{cls}: {message}");
    }
    public bool Has(string fragment)
    {
        lock (Lines) return Lines.Exists(l => l.Contains(fragment, StringComparison.Ordinal));
    }
    public int Count(string fragment)
    {
        lock (Lines) return Lines.FindAll(l => l.Contains(fragment, StringComparison.Ordinal)).Count;
    }
}

internal sealed class FakeNetlink(string name) : INetlinkClient
{
    public string Name => name;
    public ITunnelEndpoint? Endpoint { get; private set; }
    public List<byte[]> Delivered { get; } = new();
    public LinkQuality Quality { get; private set; }
    public int Mtu { get; private set; }
    public void Register(ITunnelEndpoint endpoint) => Endpoint = endpoint;
    public void SetQuality(LinkQuality quality) => Quality = quality;
    public void SetMtu(int mtu) => Mtu = mtu;
    /// <summary>Holds packets delivered inside a batch until that thread's batch closes, as the
    /// tun's coalescing write queue does.</summary>
    public bool DeferToBatchEnd { get; set; }

    private readonly ThreadLocal<Pending> _pending = new(() => new Pending());

    public void FromTunnel(PacketBuffer packet)
    {
        var data = packet.Data.ToArray();
        packet.Release();
        if (DeferToBatchEnd && PacketBatch.IsOpen)
        {
            _pending.Value!.Add(this, data);
            return;
        }
        // Crypto workers deliver from their own threads.
        lock (Delivered) Delivered.Add(data);
    }

    private sealed class Pending : BatchStage
    {
        private readonly List<byte[]> _held = new();
        private FakeNetlink? _owner;
        private bool _deferred;

        public void Add(FakeNetlink owner, byte[] data)
        {
            _owner = owner;
            _held.Add(data);
            if (!_deferred) _deferred = PacketBatch.Defer(this);
        }

        public override void FlushBatch()
        {
            _deferred = false;
            lock (_owner!.Delivered) _owner.Delivered.AddRange(_held);
            _held.Clear();
        }
    }
}

/// <summary>A datagram network on the manual scheduler: sends are delivered on the next Pump.</summary>
internal sealed class InMemoryNetwork(ManualScheduler scheduler)
{
    private readonly List<InMemoryComm> _comms = new();
    public BufferPool Pool { get; } = new();
    public Func<byte[], IPEndPoint, IPEndPoint, bool> Drop { get; set; } = (_, _, _) => false;
    public List<(IPEndPoint From, IPEndPoint To, byte[] Data)> Sent { get; } = new();

    public InMemoryComm Add(string address, int port)
    {
        var c = new InMemoryComm(this, new IPEndPoint(IPAddress.Parse(address), port));
        _comms.Add(c);
        return c;
    }

    internal void Transmit(InMemoryComm from, ReadOnlySpan<byte> datagram, IPEndPoint to)
    {
        var copy = datagram.ToArray();
        lock (Sent) Sent.Add((from.Local, to, copy));
        if (Drop(copy, from.Local, to)) return;
        scheduler.Post(() =>
        {
            foreach (var c in _comms) if (c.Local.Equals(to)) c.Deliver(copy, from.Local);
        });
    }
}

internal sealed class InMemoryComm(InMemoryNetwork net, IPEndPoint local) : IComm
{
    private CommReceivers _receivers = CommReceivers.Empty;
    public IPEndPoint Local { get; } = local;
    public List<string> NakLog { get; } = new();

    public void Register(ICommReceiver receiver) => _receivers = _receivers.With(receiver, this);
    public void Unregister(ICommReceiver receiver) => _receivers = _receivers.Without(receiver);
    public bool Supports(AddressFamily family) => family == Local.AddressFamily;

    /// <summary>Every send fails (as sendto(2) does with no route), counted in <see cref="FailedSends"/>.</summary>
    public bool FailSends { get; set; }
    public int FailedSends;

    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
    {
        if (FailSends)
        {
            Interlocked.Increment(ref FailedSends);
            return false;
        }
        net.Transmit(this, datagram, SocketAddresses.ToEndPoint(destination));
        return true;
    }

    public void SendNak(SocketAddress destination, PacketHeader offending, string reason)
    {
        NakLog.Add($"sending NAK for {offending.Label:x8} {offending.Dest:x8}<-{offending.Source:x8}: {reason}");
        Span<byte> nak = stackalloc byte[PacketHeader.Length];
        offending.NakReply().Write(nak);
        Send(nak, destination);
    }

    public string Describe(SocketAddress peer) => $"mem:{SocketAddresses.Format(Local)}-{SocketAddresses.Format(SocketAddresses.ToEndPoint(peer))}";

    public void ClearReceivers() => _receivers = CommReceivers.Empty;

    internal void Deliver(byte[] datagram, IPEndPoint from)
    {
        var buf = net.Pool.Rent();
        buf.CopyFrom(datagram);
        var src = from.Serialize();
        // The real comms' dispatch, so the site tests see what a comm would offer them.
        if (_receivers.Offer(buf, src, out var h, out bool parsed, out string? refusal)) return;
        if (NakLimiter.Deserves(parsed, datagram.Length, h))
            SendNak(src, h, refusal ?? "");
        buf.Release();
    }
}

/// <summary>Resolves <c>[literal]</c>s only, answering through the scheduler like the real one.</summary>
internal sealed class LiteralResolver(ManualScheduler scheduler) : IResolver
{
    public void Resolve(string name, Action<ResolveResult> done)
    {
        var result = name.Length > 2 && name[0] == '[' && name[^1] == ']' && IPAddress.TryParse(name[1..^1], out var ip)
            ? new ResolveResult([ip], 1, null)
            : new ResolveResult([], 0, "not found");
        scheduler.Post(() => done(result));
    }
}
