using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// One UDP socket on the <see cref="PacketIoLoop"/>, udp's or polypath's: recvmmsg into pooled
/// buffers (with UDP GRO where the kernel offers it), and each receive's datagrams handed to
/// <see cref="Dispatch"/> in the order they came, as one <see cref="PacketBatch"/>. Closing that
/// batch is where the sites open, check and deliver what it brought, and the tun writes happen.
/// A receive that brings one datagram alone is dispatched outside a batch: it is opened and
/// written to the tun before <see cref="Dispatch"/> returns.
/// </summary>
internal abstract class DatagramSource : ReadableSource, IDisposable
{
    /// <summary>Most receives per wake-up of the loop, so a busy socket leaves the loop's other
    /// descriptors their turn.</summary>
    private const int LoopReceives = 4;

    /// <summary>A gap between wake-ups longer than this counts as quiet (200 µs, as the tun's).</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 5000;

    private readonly int _fd;
    private readonly IDatagramReceiver _receiver;
    private long _emptyReceives;
    private long _lastWake;

    /// <param name="fd">The socket, which the caller keeps open until it has removed this source
    /// from the loop.</param>
    protected DatagramSource(int fd, BufferPool pool, AddressFamily family, UdpOffloadCounters offload)
    {
        _fd = fd;
        _receiver = UdpOffload.TryEnableGro(fd)
            ? new UdpGroReceiver(pool, family, offload)
            : new UdpBatchReceiver(pool, family);
    }

    public sealed override int FileDescriptor => _fd;

    /// <summary>Receives that found the socket empty (EAGAIN).</summary>
    public long EmptyReceives => Interlocked.Read(ref _emptyReceives);

    /// <summary>A datagram for the sites (the callee owns it); <paramref name="source"/> is valid
    /// until the batch closes.</summary>
    protected abstract void Dispatch(PacketBuffer packet, SocketAddress source);

    /// <summary>Receives without waiting until the socket is empty or the bound is reached. Errors
    /// (an ICMP error left on the socket) are consumed by the receive itself.</summary>
    public sealed override bool OnReadable()
    {
        long now = Stopwatch.GetTimestamp();
        bool quiet = now - _lastWake > QuietTicks;
        _lastWake = now;
        for (int round = 0; round < LoopReceives; round++)
        {
            int n = _receiver.Receive(_fd, out _);
            if (n == 0) Interlocked.Increment(ref _emptyReceives);
            if (n <= 0) break;
            if (n == 1 && round == 0 && quiet && _receiver.Count(0) == 1)
            {
                // A lone datagram after a quiet spell (a ping, an ACK, a key-exchange message):
                // nothing to batch with, so the sites open and deliver it at once, outside a
                // PacketBatch, and the batch's queues and deferred stages stay cold. Only after
                // a quiet spell: under load, opening alone would first wait for the site's jobs
                // in flight on the crypto workers, where a batch's small job queues behind them.
                Dispatch(_receiver.Take(0, 0), _receiver.Source(0));
                break;
            }
            PacketBatch.Begin();
            for (int i = 0; i < n; i++)
            {
                var source = _receiver.Source(i);
                int count = _receiver.Count(i);
                for (int j = 0; j < count; j++) Dispatch(_receiver.Take(i, j), source);
            }
            // Opens, checks and delivers what the sites queued; the next receive reuses the sources.
            PacketBatch.End();
            // A short receive emptied the socket: asking again would only return EAGAIN, a
            // system call per lone datagram that secnet's own loop does not pay either.
            if (n < _receiver.Capacity) break;
        }
        return true;
    }

    /// <summary>Frees the receive buffers; the source has been removed from the loop.</summary>
    public void Dispose() => _receiver.Dispose();
}
