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
/// After a quiet spell one message is read (recvmsg), and a lone datagram is dispatched outside a
/// batch: it is opened and written to the tun before <see cref="Dispatch"/> returns.
/// </summary>
internal abstract class DatagramSource : ReadableSource, IDisposable
{
    /// <summary>Most receives per wake-up of the loop, so a busy socket leaves the loop's other
    /// descriptors their turn.</summary>
    private const int LoopReceives = 4;

    /// <summary>A wait for input longer than this counts as quiet (200 µs, as the tun's).</summary>
    private static readonly long QuietTicks = Stopwatch.Frequency / 5000;

    private readonly int _fd;
    private readonly DatagramReceiver _receiver;
    private long _emptyReceives;
    private long _lastTurnEnd;

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
        // After a quiet spell the wake-up is most likely one lone datagram (a ping, an ACK, a
        // key-exchange message): one message is read, and poll tells whether more came, as the
        // tun does. Under load the socket is readable again as soon as a turn ends, and whole
        // batches are taken. (Measured from the end of the last turn, so a slow turn does not
        // make the next look quiet.)
        int most = Stopwatch.GetTimestamp() - _lastTurnEnd > QuietTicks ? 1 : _receiver.Capacity;
        ReceiveTurn(most);
        _lastTurnEnd = Stopwatch.GetTimestamp();
        return true;
    }

    private void ReceiveTurn(int most)
    {
        for (int round = 0; round < LoopReceives; round++)
        {
            int n = _receiver.Receive(_fd, most, out _);
            if (n == 0) Interlocked.Increment(ref _emptyReceives);
            if (n <= 0) break;
            if (most == 1 && _receiver.Count(0) == 1)
            {
                // Nothing to batch with: the site opens it and writes it to the tun at once,
                // outside a PacketBatch, whose queues and deferred stages the quiet spell has made
                // cold. Only after a quiet spell: under load, opening alone would first wait for
                // the site's jobs in flight on the crypto workers, where a batch's small job
                // queues behind them.
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
            // system call per lone datagram that secnet's own loop does not pay either. (A
            // coalesced message read alone after a quiet spell starts a burst: read on.)
            if (n < most) break;
            most = _receiver.Capacity;
        }
    }

    /// <summary>Frees the receive buffers; the source has been removed from the loop.</summary>
    public void Dispose() => _receiver.Dispose();
}
