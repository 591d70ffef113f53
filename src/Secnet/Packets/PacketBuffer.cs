namespace Secnet.Packets;

/// <summary>
/// One packet in a pooled array. The packet occupies [Start, Start+Length); the bytes in front
/// (headroom) and behind (tailroom) let transforms and framing grow the packet in place, so a
/// packet read from TUN is encrypted, framed and sent without being copied.
/// A buffer has exactly one owner at a time; handing it to another stage transfers ownership.
/// </summary>
public sealed class PacketBuffer
{
    /// <summary>Room reserved in front: secnet header (12) + nonces/sequence + slack.</summary>
    public const int DefaultHeadroom = 64;

    public PacketBuffer(int capacity, BufferPool? owner = null)
    {
        Array = new byte[capacity];
        Owner = owner;
        Start = Math.Min(DefaultHeadroom, capacity);
    }

    public byte[] Array { get; }
    public BufferPool? Owner { get; }
    public int Start { get; private set; }
    public int Length { get; private set; }

    public Span<byte> Data => Array.AsSpan(Start, Length);
    public Memory<byte> Memory => Array.AsMemory(Start, Length);
    public int Headroom => Start;
    public int Tailroom => Array.Length - Start - Length;

    /// <summary>Empties the buffer and places its start <paramref name="headroom"/> bytes in.</summary>
    public void Reset(int headroom = DefaultHeadroom)
    {
        Start = Math.Min(headroom, Array.Length);
        Length = 0;
    }

    /// <summary>Sets the packet to <paramref name="length"/> bytes at the current start
    /// (after a read into <see cref="Writable"/>).</summary>
    public void SetLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)(Array.Length - Start));
        Length = length;
    }

    /// <summary>All space from the start to the end of the array, for reads.</summary>
    public Span<byte> Writable => Array.AsSpan(Start);

    /// <summary>Grows the packet at the front; false if the headroom is too small.</summary>
    public bool TryPrepend(int count, out Span<byte> added)
    {
        if ((uint)count > (uint)Start) { added = default; return false; }
        Start -= count;
        Length += count;
        added = Array.AsSpan(Start, count);
        return true;
    }

    /// <summary>Grows the packet at the end; false if the tailroom is too small.</summary>
    public bool TryAppend(int count, out Span<byte> added)
    {
        if ((uint)count > (uint)Tailroom) { added = default; return false; }
        added = Array.AsSpan(Start + Length, count);
        Length += count;
        return true;
    }

    /// <summary>Removes bytes from the front; false if the packet is shorter.</summary>
    public bool TryTrimFront(int count)
    {
        if ((uint)count > (uint)Length) return false;
        Start += count;
        Length -= count;
        return true;
    }

    /// <summary>Removes bytes from the end; false if the packet is shorter.</summary>
    public bool TryTrimEnd(int count)
    {
        if ((uint)count > (uint)Length) return false;
        Length -= count;
        return true;
    }

    /// <summary>Replaces the contents with <paramref name="data"/> at the default headroom.</summary>
    public void CopyFrom(ReadOnlySpan<byte> data, int headroom = DefaultHeadroom)
    {
        Reset(headroom);
        data.CopyTo(Array.AsSpan(Start));
        Length = data.Length;
    }

    /// <summary>Gives the buffer back to its pool (or drops it if it has none).</summary>
    public void Release() => Owner?.Return(this);
}
