using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Reads from a tun in offload mode (owned by the packet loop's thread). One readv puts the virtio
/// header in the buffer's headroom, just in front of the packet (so a lone packet after a quiet
/// spell touches the buffer's cache lines only, not a header area of its own), the packet straight
/// into the pooled buffer and anything longer (a TSO packet) into a 64 KiB staging area behind it,
/// so ordinary packets are not copied. Partial checksums
/// are finished; TSO packets (IPv4 and IPv6) are cut into MSS-sized segments, each in its own pooled buffer.
/// </summary>
internal sealed unsafe class TunOffloadReader
{
    private const int StagingSize = 65536;

    // Pinned so the GC never moves it under a readv in flight on the packet loop.
    private readonly byte[] _staging = GC.AllocateArray<byte>(StagingSize, pinned: true);
    private readonly TunOffloadCounters _counters;

    public TunOffloadReader(TunOffloadCounters counters) => _counters = counters;

    /// <summary>Reads one packet and hands what it yields to <paramref name="deliver"/>
    /// (<paramref name="delivered"/> packets; a consumed <paramref name="buffer"/> is replaced
    /// from <paramref name="pool"/>). Malformed reads are counted and yield nothing.</summary>
    public TunReadResult Read(int fd, ref PacketBuffer buffer, BufferPool pool, Action<PacketBuffer> deliver,
        out int delivered, out int errno)
    {
        delivered = 0;
        // The header goes in the last bytes of the headroom (a rented buffer has the default), so
        // header and packet are one vector.
        if (buffer.Start < VirtioNetHeader.Size) buffer.Reset();
        var space = buffer.Writable;
        var limit = Math.Max(0, space.Length - BufferPool.DefaultTailroom);
        var headerArea = buffer.Array.AsSpan(buffer.Start - VirtioNetHeader.Size, VirtioNetHeader.Size);
        nint count;
        fixed (byte* header = headerArea)
        fixed (byte* staging = _staging)
        {
            Libc.IoVec* vectors = stackalloc Libc.IoVec[2];
            vectors[0] = new Libc.IoVec { Base = header, Length = (nuint)(VirtioNetHeader.Size + limit) };
            // The front of the staging area stays free so a long packet can be made contiguous.
            vectors[1] = new Libc.IoVec { Base = staging + limit, Length = (nuint)Math.Max(0, StagingSize - limit) };
            count = Libc.ReadV(fd, vectors, 2);
        }
        if (count == 0)
        {
            errno = 0;
            return TunReadResult.EndOfFile;
        }
        if (count < 0)
        {
            errno = Errno.Last;
            return errno is Errno.EAGAIN or Errno.EINTR ? TunReadResult.WouldBlock : TunReadResult.Error;
        }
        errno = 0;
        var length = (int)count - VirtioNetHeader.Size;
        if (length <= 0)
        {
            _counters.Malformed();
            return TunReadResult.Packet;
        }
        var virtio = VirtioNetHeader.Read(headerArea);
        var gso = virtio.GsoType & ~VirtioNetHeader.GsoEcn;
        if (virtio.GsoType == VirtioNetHeader.GsoNone)
            delivered = DeliverWhole(ref buffer, pool, deliver, virtio, length, limit);
        else if (gso is VirtioNetHeader.GsoTcpV4 or VirtioNetHeader.GsoTcpV6)
            delivered = DeliverSegments(buffer, pool, deliver, virtio, length, limit, gso == VirtioNetHeader.GsoTcpV6);
        else
            _counters.Malformed();
        return TunReadResult.Packet;
    }

    private int DeliverWhole(ref PacketBuffer buffer, BufferPool pool, Action<PacketBuffer> deliver,
        VirtioNetHeader virtio, int length, int limit)
    {
        if (length > limit)
        {
            _counters.Malformed();
            return 0;
        }
        buffer.SetLength(length);
        if (virtio.NeedsChecksum && !InternetChecksum.TryCompletePartial(buffer.Data, virtio.ChecksumStart, virtio.ChecksumOffset))
        {
            _counters.Malformed();
            return 0;
        }
        deliver(buffer);
        buffer = pool.Rent();
        return 1;
    }

    private int DeliverSegments(PacketBuffer buffer, BufferPool pool, Action<PacketBuffer> deliver,
        VirtioNetHeader virtio, int length, int limit, bool ipv6)
    {
        ReadOnlySpan<byte> packet;
        if (length > limit)
        {
            buffer.Writable[..limit].CopyTo(_staging);
            packet = _staging.AsSpan(0, length);
        }
        else
        {
            packet = buffer.Writable[..length];
        }
        var planned = ipv6
            ? TcpSegmenter.TryPlan6(packet, virtio.GsoSize, out var plan)
            : TcpSegmenter.TryPlan(packet, virtio.GsoSize, out plan);
        if (!planned)
        {
            _counters.Malformed();
            return 0;
        }
        var segments = plan.Count;
        for (var i = 0; i < segments; i++)
        {
            var segment = pool.Rent();
            var room = Math.Max(0, segment.Writable.Length - BufferPool.DefaultTailroom);
            var written = TcpSegmenter.WriteSegment(packet, plan, i, segment.Writable[..room]);
            if (written < 0)
            {
                segment.Release();
                _counters.Malformed();
                _counters.AddSegments(i);
                return i;
            }
            segment.SetLength(written);
            deliver(segment);
        }
        _counters.AddSegments(segments);
        return segments;
    }
}
