using System.Diagnostics;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Moves packets between a <see cref="TunDevice"/> and the router.
/// Host to router (the router's FromHost): the daemon's <see cref="PacketIoLoop"/> polls the fd
/// with the UDP sockets and, per wake-up (<see cref="OnReadable"/>), reads a bounded number of
/// packets into pooled buffers, hands each to <c>fromHost</c> (which takes ownership) inside one
/// <see cref="PacketBatch"/>, and closes the batch: that is where the sites seal and send what
/// they were routed.
/// Router to host: <see cref="QueueWrite"/> from any thread; failures are reported with
/// secnet's warnings, at most one per minute. In offload mode (<see cref="TunDevice.Offload"/>)
/// reads may carry TSO packets, which are cut into segments before the router sees them, and
/// writes made inside a <see cref="PacketBatch"/> wait for its end, to be coalesced per TCP flow.
/// A vanished device (read() = 0 or a hard read error) is reported once through <c>fatal</c>
/// and the loop stops watching the device.
/// </summary>
public sealed class TunPacketPump : ReadableSource, IDisposable
{
    private const long WarningIntervalMs = 60_000;

    /// <summary>Most reads per wake-up of the loop, so that a busy device leaves the loop's
    /// sockets their turn.</summary>
    internal const int LoopReads = 64;

    /// <summary>A gap between wake-ups longer than this counts as quiet (200 µs).</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 5000;

    private readonly TunDevice _device;
    private readonly BufferPool _pool;
    private readonly Action<PacketBuffer> _fromHost;
    private readonly Action<string> _fatal;
    private readonly ILog _log;
    private readonly TunOffloadReader? _offloadReader;
    // Per writing thread (the loop's, a crypto worker handing on a batch): no locks.
    private readonly ThreadLocal<TunWriteQueue>? _writeQueues;
    // The calling thread's last pump and its queue: ThreadLocal<T>.Value, asked for every
    // packet, cost a fifth of the user time of a received packet (perf, cold pings); a
    // [ThreadStatic] of a non-generic class is one TLS load.
    [ThreadStatic] private static TunPacketPump? t_queuePump;
    [ThreadStatic] private static TunWriteQueue? t_queue;
    private PacketIoLoop? _loop;
    private PacketBuffer? _buffer;
    private long _lastWake;
    private volatile bool _stopping;
    private long _lastWarningMs = long.MinValue / 2;
    private long _packetsRead;
    private long _packetsWritten;
    private long _writeFailures;
    private long _emptyReads;

    public TunPacketPump(TunDevice device, BufferPool pool, Action<PacketBuffer> fromHost, Action<string> fatal, ILog log)
    {
        _device = device;
        _pool = pool;
        _fromHost = fromHost;
        _fatal = fatal;
        _log = log;
        if (device.Offload)
        {
            _offloadReader = new TunOffloadReader(Offload);
            _writeQueues = new ThreadLocal<TunWriteQueue>(() => new TunWriteQueue(this, Offload));
        }
    }

    /// <summary>Segmentation and coalescing counters (all zero unless the device is in offload mode).</summary>
    public TunOffloadCounters Offload { get; } = new();

    /// <summary>IP packets handed to the router (each segment of a TSO read counts once).</summary>
    public long PacketsRead => Interlocked.Read(ref _packetsRead);

    /// <summary>IP packets the kernel accepted (each packet inside a coalesced write counts once).</summary>
    public long PacketsWritten => Interlocked.Read(ref _packetsWritten);
    public long WriteFailures => Interlocked.Read(ref _writeFailures);

    /// <summary>Reads that found the device empty (EAGAIN): the system calls the batching costs
    /// when packets come one at a time.</summary>
    public long EmptyReads => Interlocked.Read(ref _emptyReads);

    public override int FileDescriptor => _device.FileDescriptor;

    /// <summary>Starts reading: the device joins the packet loop.</summary>
    public void Attach(PacketIoLoop loop)
    {
        if (_loop is not null) throw new InvalidOperationException("already started");
        _loop = loop;
        _buffer = _pool.Rent();
        loop.Add(this);
    }

    /// <summary>One wake-up of the loop: up to <see cref="LoopReads"/> reads, routed as one batch,
    /// then the batch closed; false (stop watching) once the device is unusable, which has been
    /// reported through <c>fatal</c>.</summary>
    public override bool OnReadable()
    {
        if (_stopping) return false;
        // After a quiet spell the wake-up is most likely one lone packet (a ping, an ACK): one
        // read, and poll tells whether more came, instead of a second read that only returns
        // EAGAIN. Under load wake-ups follow each other closely and read up to LoopReads.
        long now = Stopwatch.GetTimestamp();
        int maxReads = now - _lastWake > QuietTicks ? 1 : LoopReads;
        _lastWake = now;
        bool usable = true;
        PacketBatch.Begin();
        for (int reads = 0; reads < maxReads; reads++)
        {
            int errno;
            var delivered = 0;
            var result = _offloadReader is null
                ? _device.TryRead(_buffer!, out errno)
                : _offloadReader.Read(_device.FileDescriptor, ref _buffer!, _pool, _fromHost, out delivered, out errno);
            if (result == TunReadResult.Packet)
            {
                if (_offloadReader is not null)
                {
                    Interlocked.Add(ref _packetsRead, delivered);
                    continue;
                }
                Interlocked.Increment(ref _packetsRead);
                _fromHost(_buffer!);
                _buffer = _pool.Rent();
                continue;
            }
            if (result == TunReadResult.WouldBlock)
            {
                Interlocked.Increment(ref _emptyReads);
                break;
            }
            usable = false;
            if (!_stopping)
                _fatal(result == TunReadResult.EndOfFile ? "tun_afterpoll: read()=0; device gone away?" : $"tun_afterpoll: read(): {Errno.Describe(errno)}");
            break;
        }
        // Seals and sends what the reads were routed to (and writes what came back to the host).
        PacketBatch.End();
        return usable;
    }

    /// <summary>A packet for the host; takes ownership of the buffer. Written now, or in offload
    /// mode inside a <see cref="PacketBatch"/>, when the batch closes, so that runs of TCP
    /// segments can be coalesced.</summary>
    public void QueueWrite(PacketBuffer packet)
    {
        if (WriteQueue is not { } queue || !queue.TryEnqueue(packet)) WritePlain(packet);
    }

    /// <summary>The calling thread's coalescing queue (offload mode), for a device that queues
    /// its writes itself (TunNetlink.QueueToHost, one call fewer per packet).</summary>
    internal TunWriteQueue? WriteQueue
    {
        get
        {
            if (_writeQueues is null || _stopping) return null;
            if (ReferenceEquals(t_queuePump, this)) return t_queue;
            var queue = _writeQueues.Value;
            t_queuePump = this;
            t_queue = queue;
            return queue;
        }
    }

    internal TunDevice Device => _device;

    /// <summary>Writes one packet as it is (behind a zero virtio header in offload mode) and
    /// releases it.</summary>
    internal void WritePlain(PacketBuffer packet)
    {
        var length = packet.Length;
        int written;
        int errno;
        if (_device.Offload)
        {
            written = _device.TryWriteBehindPlainHeader(packet, out errno);
        }
        else
        {
            written = _device.TryWrite(packet.Data, out errno);
        }
        packet.Release();
        Account(written, length, errno, 1);
    }

    /// <summary>Counts a write of <paramref name="packets"/> packets and warns (at most once a
    /// minute) when it failed; true if it succeeded.</summary>
    internal bool Account(int written, int length, int errno, int packets)
    {
        if (written == length)
        {
            Interlocked.Add(ref _packetsWritten, packets);
            return true;
        }
        Interlocked.Add(ref _writeFailures, packets);
        if (!ShouldWarn()) return false;
        _log.Log(LogClass.Warning, written < 0
            ? $"failed to deliver packet to tun device: {Errno.Describe(errno)}"
            : "truncated packet delivered to tun device");
        return false;
    }

    private bool ShouldWarn()
    {
        if (!_log.IsEnabled(LogClass.Warning)) return false;
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastWarningMs);
        return now - last >= WarningIntervalMs
            && Interlocked.CompareExchange(ref _lastWarningMs, now, last) == last;
    }

    /// <summary>Stops the reading (the device itself stays open, for the caller to close).</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        // The loop must not poll or read the device once the caller closes it.
        _loop?.Remove(this);
        _buffer?.Release();
        _buffer = null;
        _writeQueues?.Dispose();
    }
}
