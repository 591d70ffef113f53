using System.Collections.Concurrent;

namespace Secnet.Packets;

/// <summary>
/// The only source of per-packet memory. Buffers are recycled, so steady-state traffic allocates
/// nothing; the pool grows on demand and keeps at most <see cref="MaxRetained"/> idle buffers so a
/// burst does not pin memory for ever.
/// </summary>
public sealed class BufferPool
{
    /// <summary>Room behind the largest packet: padding (≤255), tag/MAC (16), sequence (4), slack.</summary>
    public const int DefaultTailroom = 320;

    private readonly ConcurrentBag<PacketBuffer> _free = new();
    private int _retained;

    public BufferPool(int maxPacket = 2048, int maxRetained = 1024)
    {
        Capacity = PacketBuffer.DefaultHeadroom + maxPacket + DefaultTailroom;
        MaxRetained = maxRetained;
    }

    public int Capacity { get; }
    public int MaxRetained { get; }

    /// <summary>An empty buffer with the default headroom.</summary>
    public PacketBuffer Rent()
    {
        if (_free.TryTake(out var b))
        {
            Interlocked.Decrement(ref _retained);
            b.Reset();
            return b;
        }
        return new PacketBuffer(Capacity, this);
    }

    internal void Return(PacketBuffer buffer)
    {
        if (Interlocked.Increment(ref _retained) > MaxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }
        _free.Add(buffer);
    }
}
