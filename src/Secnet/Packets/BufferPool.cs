namespace Secnet.Packets;

/// <summary>
/// The only source of per-packet memory. Buffers are recycled, so steady-state traffic allocates
/// nothing; the pool grows on demand and keeps at most <see cref="MaxRetained"/> idle buffers so a
/// burst does not pin memory for ever.
/// </summary>
/// <remarks>
/// A last-in-first-out stack under one lock, not a <c>ConcurrentBag</c>: the bag finds its
/// per-thread list through a <c>ThreadLocal</c> on every call, which cost about a tenth of the
/// user time of a packet arriving after an idle spell (profiled with perf on cold pings); an
/// uncontended lock is cheaper, and only crypto workers handing buffers back ever contend. Handing
/// out the buffer returned last also reuses the one still in the cache.
/// </remarks>
public sealed class BufferPool
{
    /// <summary>Room behind the largest packet: padding (≤255), tag/MAC (16), sequence (4), slack.</summary>
    public const int DefaultTailroom = 320;

    private readonly Lock _lock = new();
    private readonly PacketBuffer[] _free;
    private int _count;

    public BufferPool(int maxPacket = 2048, int maxRetained = 1024)
    {
        Capacity = PacketBuffer.DefaultHeadroom + maxPacket + DefaultTailroom;
        MaxRetained = maxRetained;
        _free = new PacketBuffer[maxRetained];
    }

    public int Capacity { get; }
    public int MaxRetained { get; }

    /// <summary>An empty buffer with the default headroom.</summary>
    public PacketBuffer Rent()
    {
        PacketBuffer? b = null;
        lock (_lock)
        {
            if (_count > 0)
            {
                b = _free[--_count];
                _free[_count] = null!;
            }
        }
        if (b is null) return new PacketBuffer(Capacity, this);
        b.Reset();
        return b;
    }

    internal void Return(PacketBuffer buffer)
    {
        lock (_lock)
        {
            // Beyond the bound the buffer is left to the GC.
            if (_count < _free.Length) _free[_count++] = buffer;
        }
    }
}
