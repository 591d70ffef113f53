using System.Diagnostics;
using Secnet.Interop;
using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Moves packets between a <see cref="TunDevice"/> and the router.
/// Kernel to router: in the daemon the shared <see cref="PacketIoLoop"/> thread (<see cref="Attach"/>)
/// polls the fd with the UDP sockets and, per wake-up, reads a bounded number of packets into
/// pooled buffers; without a loop (<see cref="Start"/>, some tests) a reader thread of the pump's own
/// polls the fd and a wake-up pipe for shutdown and reads until EAGAIN. Either hands each packet to
/// <c>fromKernel</c> (which takes ownership) and then calls <c>batchDone</c>.
/// Router to kernel: <see cref="ToKernel"/> writes whole packets from any thread; failures are
/// reported with secnet's warnings, at most one per minute.
/// In offload mode (<see cref="TunDevice.Offload"/>) reads may carry TSO packets, which are cut
/// into segments before the router sees them, and writes made inside a <see cref="PacketBatch"/>
/// are queued per thread and coalesced when the batch ends.
/// A thread that wrote packets for the host inside a batch then reads the device itself, a bounded
/// number of times (<see cref="WriterDrainReads"/>), before its batch closes: the host's answer (an
/// echo reply, a TCP ACK) is usually queued by the time write() returns, and taking it on this
/// thread saves waking the reading thread on the round trip, as secnet's single loop does. Reads
/// and the routing of what they return happen under one lock, so packets still reach the sites in
/// the order the device gave them. The daemon's shared <see cref="PacketIoLoop"/> thread does not
/// drain: it polls the device next anyway.
/// A vanished device (read() = 0 or a hard read error) is reported once through <c>fatal</c>
/// and ends the reading (the loop stops watching the device; the own thread exits).
/// </summary>
public sealed unsafe class TunPacketPump : IDisposable
{
    private const long WarningIntervalMs = 60_000;

    /// <summary>Most reads a writing thread does: enough for a burst of replies, few enough that a
    /// busy device cannot keep a writing thread (a polypath socket's receive thread, say) from its
    /// own socket.</summary>
    internal const int WriterDrainReads = 16;

    private readonly TunDevice _device;
    private readonly BufferPool _pool;
    private readonly Action<PacketBuffer> _fromKernel;
    private readonly Action? _batchDone;
    private readonly Action<string> _fatal;
    private readonly ILog _log;
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private readonly TunOffloadReader? _offloadReader;
    private readonly ThreadLocal<Writer> _writers;
    private readonly Lock _drainLock = new();
    private Thread? _reader;
    private volatile bool _stopping;
    private long _lastWarningMs = long.MinValue / 2;
    private long _packetsRead;
    private long _packetsWritten;
    private long _writeFailures;
    private long _emptyReads;

    public TunPacketPump(TunDevice device, BufferPool pool, Action<PacketBuffer> fromKernel,
        Action<string> fatal, ILog log, Action? batchDone = null)
    {
        _device = device;
        _pool = pool;
        _fromKernel = fromKernel;
        _fatal = fatal;
        _log = log;
        _batchDone = batchDone;
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) < 0)
            throw new IOException($"tun: pipe(): {Errno.Describe(Errno.Last)}");
        _wakeRead = fds[0];
        _wakeWrite = fds[1];
        if (device.Offload)
        {
            _offloadReader = new TunOffloadReader(Offload);
        }
        // Made on the writing thread itself, so it can tell which thread that is. The device's
        // own readers do not drain after writing: the reader thread reads anyway, and the shared
        // loop's thread polls the device next (a drain that finds no answer is a wasted read).
        _writers = new ThreadLocal<Writer>(() => new Writer(this, device.Offload ? new TunWriteQueue(this, Offload) : null,
            drains: Thread.CurrentThread != _reader && _loop?.IsLoopThread != true));
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

    /// <summary>Most reads per wake-up of a shared <see cref="PacketIoLoop"/>, so that a busy
    /// device leaves the loop's sockets their turn.</summary>
    internal const int LoopReads = 64;

    private PacketIoLoop? _loop;
    private PacketBuffer? _loopBuffer;

    /// <summary>Reads the device on the daemon's shared packet thread instead of a thread of its own.</summary>
    public void Attach(PacketIoLoop loop)
    {
        if (_reader is not null || _loop is not null) throw new InvalidOperationException("already started");
        _loop = loop;
        _loopBuffer = _pool.Rent();
        loop.Add(new LoopSource(this));
    }

    /// <summary>One wake-up of the shared loop: a bounded drain in its own batch; false (stop
    /// watching) once the device is unusable, which has been reported through <c>fatal</c>.</summary>
    private bool ReadFromLoop()
    {
        if (_stopping) return false;
        // After a quiet spell the wake-up is most likely one lone packet (a ping, an ACK): one
        // read, and poll tells whether more came, instead of a second read that only returns
        // EAGAIN. Under load wake-ups follow each other closely and read up to LoopReads.
        long now = Stopwatch.GetTimestamp();
        int reads = now - _lastLoopWake > QuietTicks ? 1 : LoopReads;
        _lastLoopWake = now;
        return DrainBatch(ref _loopBuffer!, reads);
    }

    /// <summary>A gap between wake-ups longer than this counts as quiet (200 µs).</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 5000;
    private long _lastLoopWake;

    /// <summary>One wake-up's reads as one batch, so the sites seal and send what they were routed
    /// at once; false once the device is unusable (reported through <c>fatal</c>).</summary>
    private bool DrainBatch(ref PacketBuffer buffer, int maxReads)
    {
        bool usable;
        PacketBatch.Begin();
        try
        {
            lock (_drainLock) usable = Drain(ref buffer, maxReads, report: true);
        }
        finally
        {
            PacketBatch.End();
        }
        if (usable) _batchDone?.Invoke();
        return usable;
    }

    private sealed class LoopSource(TunPacketPump pump) : ReadableSource
    {
        public override int FileDescriptor => pump._device.FileDescriptor;

        public override bool OnReadable() => pump.ReadFromLoop();
    }

    /// <summary>Starts a reader thread of the pump's own (instead of <see cref="Attach"/>).</summary>
    public void Start()
    {
        if (_reader is not null || _loop is not null) throw new InvalidOperationException("already started");
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = $"tun {_device.InterfaceName}" };
        _reader.Start();
    }

    /// <summary>Writes a packet for the host into the kernel; takes ownership of the buffer.
    /// In offload mode, inside a <see cref="PacketBatch"/>, the packet waits for the end of the
    /// batch so that runs of TCP segments can be coalesced.</summary>
    public void ToKernel(PacketBuffer packet)
    {
        if (!PacketBatch.IsOpen)
        {
            WritePlain(packet);
            return;
        }
        var writer = _writers.Value!;
        if (writer.Queue is null || !writer.Queue.TryEnqueue(packet)) WritePlain(packet);
        // Deferred after the write queue's own flush, so the drain reads what the writes caused.
        writer.ScheduleDrain();
    }

    /// <summary>Reads what the host has queued, on a thread that just wrote to it, unless another
    /// thread is reading already. Failures are left to the reading thread (loop or own) to report.</summary>
    private void DrainFromWriter()
    {
        if (_stopping || !_drainLock.TryEnter()) return;
        if (_stopping)
        {
            _drainLock.Exit();
            return;
        }
        var buffer = _pool.Rent();
        try
        {
            Drain(ref buffer, WriterDrainReads, report: false);
        }
        finally
        {
            buffer.Release();
            _drainLock.Exit();
        }
    }

    /// <summary>Writes one packet as it is (behind a zero virtio header in offload mode) and
    /// releases it.</summary>
    internal void WritePlain(PacketBuffer packet)
    {
        var length = packet.Length;
        int written;
        int errno;
        if (_device.Offload)
        {
            ReadOnlySpan<byte> none = stackalloc byte[VirtioNetHeader.Size] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
            var total = _device.TryWrite(none, packet.Data, out errno);
            written = total < 0 ? -1 : total - VirtioNetHeader.Size;
        }
        else
        {
            written = _device.TryWrite(packet.Data, out errno);
        }
        packet.Release();
        Account(written, length, errno, 1);
    }

    /// <summary>Writes a coalesced GSO packet (virtio header included) standing for
    /// <paramref name="packets"/> packets.</summary>
    internal void WriteMerged(ReadOnlySpan<byte> merged, int packets)
    {
        var written = _device.TryWrite(merged, out var errno);
        if (Account(written, merged.Length, errno, packets)) Offload.AddCoalesced(packets);
    }

    private bool Account(int written, int length, int errno, int packets)
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

    private void ReadLoop()
    {
        var buffer = _pool.Rent();
        try
        {
            Libc.PollFd* fds = stackalloc Libc.PollFd[2];
            while (!_stopping)
            {
                fds[0] = new Libc.PollFd { Fd = _device.FileDescriptor, Events = Libc.POLLIN };
                fds[1] = new Libc.PollFd { Fd = _wakeRead, Events = Libc.POLLIN };
                if (Libc.Poll(fds, 2, -1) < 0)
                {
                    var errno = Errno.Last;
                    if (errno == Errno.EINTR) continue;
                    _fatal($"tun_afterpoll: poll(): {Errno.Describe(errno)}");
                    return;
                }
                if (_stopping) return;
                if (fds[0].Revents == 0) continue;
                if (!DrainBatch(ref buffer, int.MaxValue)) return;
            }
        }
        finally
        {
            buffer.Release();
        }
    }

    /// <summary>Reads until the device has nothing more or <paramref name="maxReads"/> reads are
    /// done; false once the device is unusable (reported through <c>fatal</c> if
    /// <paramref name="report"/>). Caller holds _drainLock.</summary>
    private bool Drain(ref PacketBuffer buffer, int maxReads, bool report)
    {
        for (int reads = 0; reads < maxReads; reads++)
        {
            int errno;
            var delivered = 0;
            var result = _offloadReader is null
                ? _device.TryRead(buffer, out errno)
                : _offloadReader.Read(_device.FileDescriptor, ref buffer, _pool, _fromKernel, out delivered, out errno);
            switch (result)
            {
                case TunReadResult.Packet when _offloadReader is not null:
                    Interlocked.Add(ref _packetsRead, delivered);
                    break;
                case TunReadResult.Packet:
                    Interlocked.Increment(ref _packetsRead);
                    _fromKernel(buffer);
                    buffer = _pool.Rent();
                    break;
                case TunReadResult.WouldBlock:
                    Interlocked.Increment(ref _emptyReads);
                    return true;
                case TunReadResult.EndOfFile:
                    if (report && !_stopping) _fatal("tun_afterpoll: read()=0; device gone away?");
                    return false;
                default:
                    if (report && !_stopping) _fatal($"tun_afterpoll: read(): {Errno.Describe(errno)}");
                    return false;
            }
        }
        return true;
    }

    /// <summary>One writing thread's state: its coalescing queue (offload mode) and, if this thread
    /// <paramref name="drains"/>, its pending writer drain, registered once per batch and run when
    /// the batch closes.</summary>
    private sealed class Writer(TunPacketPump pump, TunWriteQueue? queue, bool drains) : BatchStage
    {
        private bool _deferred;

        public TunWriteQueue? Queue { get; } = queue;

        public void ScheduleDrain()
        {
            if (drains && !_deferred) _deferred = PacketBatch.Defer(this);
        }

        public override void FlushBatch()
        {
            _deferred = false;
            pump.DrainFromWriter();
        }
    }

    /// <summary>Stops the reading, on the loop or the own thread (the device itself stays open).</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        byte wake = 1;
        Libc.Write(_wakeWrite, &wake, 1);
        _reader?.Join();
        // The loop must not poll or read the device once the caller closes it.
        _loop?.Dispose();
        // A writer may be draining; wait for it before the caller closes the device.
        lock (_drainLock)
        {
            _loopBuffer?.Release();
            _loopBuffer = null;
        }
        Libc.Close(_wakeRead);
        Libc.Close(_wakeWrite);
    }
}
