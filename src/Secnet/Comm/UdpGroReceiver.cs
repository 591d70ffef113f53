using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// recvmmsg state of a socket with UDP_GRO on: a coalesced message can be up to 64 KiB, so each of
/// the <see cref="BatchSize"/> slots is a native 64 KiB area allocated once (pages are only
/// resident once a large message has touched them), and each datagram is copied out into a pooled
/// <see cref="PacketBuffer"/> as it is taken. Messages without a UDP_GRO control message are single
/// datagrams as before. Owned by the packet loop's thread, the one that receives on the
/// socket.
/// The first message lands in a pooled buffer, its slot only taking what overflows it: after a
/// quiet spell the wake-up is most likely one lone datagram (a ping, an ACK), which then reaches the
/// site without a copy and without touching a slot that the idle spell pushed out of the caches.
/// </summary>
internal sealed unsafe class UdpGroReceiver : DatagramReceiver
{
    public const int BatchSize = 16;
    public const int SlotSize = 65536;
    private const int ControlSize = 64;

    private readonly BufferPool _pool;
    private readonly UdpOffloadCounters _counters;
    private readonly int _maxSegment;
    private readonly SocketAddress[] _sources = new SocketAddress[BatchSize];
    private readonly int[] _segmentSizes = new int[BatchSize];
    private readonly int[] _counts = new int[BatchSize];
    private readonly Libc.MMsgHdr* _messages;
    private readonly Libc.IoVec* _iov;
    private readonly byte* _names;
    private readonly byte* _control;
    private readonly byte* _slots;
    // Messages the last recvmmsg filled: the only headers the kernel has written to since.
    private int _filled;
    // Where message 0 lands: [_first's writable space, then slot 0]. Null once taken.
    private PacketBuffer? _first;

    public UdpGroReceiver(BufferPool pool, AddressFamily family, UdpOffloadCounters counters)
    {
        _pool = pool;
        _counters = counters;
        _maxSegment = pool.Capacity - PacketBuffer.DefaultHeadroom;
        _messages = (Libc.MMsgHdr*)NativeMemory.AllocZeroed((nuint)(BatchSize * sizeof(Libc.MMsgHdr)));
        // Two more than the messages: message 0 reads into the last two (its buffer, then its slot).
        _iov = (Libc.IoVec*)NativeMemory.AllocZeroed((nuint)((BatchSize + 2) * sizeof(Libc.IoVec)));
        _names = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * Libc.SockaddrStorageSize));
        _control = (byte*)NativeMemory.AllocZeroed((nuint)(BatchSize * ControlSize));
        _slots = (byte*)NativeMemory.Alloc((nuint)BatchSize * SlotSize);
        for (int i = 0; i < BatchSize; i++)
        {
            _sources[i] = new SocketAddress(family);
            _iov[i].Base = _slots + (nint)i * SlotSize;
            _iov[i].Length = SlotSize;
            ResetHeader(i);
        }
        _iov[BatchSize + 1] = new Libc.IoVec { Base = _slots, Length = SlotSize };
    }

    public override int Capacity => BatchSize;

    public override int Receive(int fd, int most, out int errno)
    {
        // Only the headers of messages the last call filled have had their lengths and flags
        // changed by the kernel. Re-making all sixteen touched a kilobyte of headers that an
        // idle spell has pushed out of the cache, the largest cost of ours left on the receive
        // path of a packet after a quiet moment (perf, cold pings).
        for (int i = 0; i < _filled; i++) ResetHeader(i);
        _first ??= _pool.Rent();
        var room = _first.Writable;
        int n;
        fixed (byte* first = room)
        {
            // The buffer is pinned only for the call: the kernel copies during it, never after.
            _iov[BatchSize] = new Libc.IoVec { Base = first, Length = (nuint)room.Length };
            _messages[0].Header.Iov = _iov + BatchSize;
            _messages[0].Header.IovLength = 2;
            n = DatagramIo.Receive(fd, _messages, Math.Min(most, BatchSize));
        }
        if (n < 0)
        {
            errno = Errno.Last;
            _filled = 0;
            return errno == Errno.EAGAIN ? 0 : -1;
        }
        errno = 0;
        _filled = n;
        for (int i = 0; i < n; i++) Classify(i);
        return n;
    }

    private void ResetHeader(int i)
    {
        ref var h = ref _messages[i].Header;
        h.Name = _names + i * Libc.SockaddrStorageSize;
        h.NameLength = Libc.SockaddrStorageSize;
        // Message 0's two vectors ([buffer, slot]) are set by Receive before each call.
        if (i != 0)
        {
            h.Iov = _iov + i;
            h.IovLength = 1;
        }
        h.Control = _control + i * ControlSize;
        h.ControlLength = ControlSize;
        h.Flags = 0;
        _messages[i].Length = 0;
    }

    /// <summary>Works out how many datagrams message <paramref name="i"/> holds.</summary>
    private void Classify(int i)
    {
        ref var h = ref _messages[i].Header;
        int length = (int)_messages[i].Length;
        int size = UdpOffload.ReadGroSize((byte*)h.Control, h.ControlLength);
        _segmentSizes[i] = size;
        if (h.NameLength == 0)
        {
            // No sender: the end-of-file that a socket shut down while closing returns.
            _counts[i] = 0;
            return;
        }
        if (size < 0)
        {
            _counts[i] = 1;
            return;
        }
        // A truncated coalesced message has lost datagrams at its end: none of it can be trusted.
        int count = (h.Flags & Libc.MSG_TRUNC) != 0 ? 0 : GroSplit.Count(length, size, _maxSegment);
        _counts[i] = count;
        if (count == 0)
        {
            Interlocked.Increment(ref _counters._groMalformed);
            return;
        }
        Interlocked.Increment(ref _counters._groMessages);
        Interlocked.Add(ref _counters._groDatagrams, count);
    }

    public override int Count(int message) => _counts[message];

    public override PacketBuffer Take(int message, int index)
    {
        int length = (int)_messages[message].Length;
        int size = _segmentSizes[message];
        if (message == 0 && size < 0 && _first is { } first)
        {
            // A lone datagram in message 0 is already in its buffer. One longer than the buffer is
            // cut short, as receiving it straight into a buffer always did.
            _first = null;
            first.SetLength(Math.Min(length, first.Writable.Length));
            return first;
        }
        var buf = _pool.Rent();
        var room = buf.Writable;
        if (size < 0)
        {
            int n = Math.Min(length, room.Length);
            CopyOut(message, 0, room[..n]);
            buf.SetLength(n);
            return buf;
        }
        var (offset, segment) = GroSplit.Segment(length, size, index);
        CopyOut(message, offset, room[..segment]);
        buf.SetLength(segment);
        return buf;
    }

    /// <summary>Copies message bytes [offset, offset + destination.Length) out: from the slot, or
    /// for message 0 from its buffer and then its slot, which together hold it contiguously.
    /// Message 0 keeps its buffer when coalesced: the segments behind the first are read from it
    /// after the first has been handed on.</summary>
    private void CopyOut(int message, int offset, Span<byte> destination)
    {
        byte* slot = _slots + (nint)message * SlotSize;
        if (message != 0)
        {
            new ReadOnlySpan<byte>(slot + offset, destination.Length).CopyTo(destination);
            return;
        }
        var room = _first!.Writable;
        int fromBuffer = Math.Clamp(room.Length - offset, 0, destination.Length);
        if (fromBuffer > 0) room.Slice(offset, fromBuffer).CopyTo(destination);
        int rest = destination.Length - fromBuffer;
        if (rest > 0) new ReadOnlySpan<byte>(slot + (offset + fromBuffer - room.Length), rest).CopyTo(destination[fromBuffer..]);
    }

    public override SocketAddress Source(int message) => DatagramIo.CopySource(_messages, _names, message, _sources[message]);

    public override void Dispose()
    {
        NativeMemory.Free(_messages);
        NativeMemory.Free(_iov);
        NativeMemory.Free(_names);
        NativeMemory.Free(_control);
        NativeMemory.Free(_slots);
    }
}
