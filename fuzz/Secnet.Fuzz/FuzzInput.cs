using System.Buffers.Binary;

namespace Secnet.Fuzz;

/// <summary>Reads structured choices from the front of a fuzz input; exhausted input reads zeros,
/// so every input is usable and a short seed still means something.</summary>
internal ref struct FuzzInput
{
    private ReadOnlySpan<byte> _rest;

    public FuzzInput(ReadOnlySpan<byte> data) => _rest = data;

    public readonly int Remaining => _rest.Length;

    public byte U8()
    {
        if (_rest.IsEmpty) return 0;
        var b = _rest[0];
        _rest = _rest[1..];
        return b;
    }

    public ushort U16() => (ushort)((U8() << 8) | U8());

    public uint U32()
    {
        if (_rest.Length < 4)
        {
            uint v = 0;
            while (!_rest.IsEmpty) v = (v << 8) | U8();
            return v;
        }
        var value = BinaryPrimitives.ReadUInt32BigEndian(_rest);
        _rest = _rest[4..];
        return value;
    }

    /// <summary>Up to <paramref name="count"/> bytes (fewer at the end of the input).</summary>
    public ReadOnlySpan<byte> Bytes(int count)
    {
        var n = Math.Min(count, _rest.Length);
        var taken = _rest[..n];
        _rest = _rest[n..];
        return taken;
    }

    /// <summary>A length-prefixed chunk (16-bit length), for inputs that hold several packets.</summary>
    public ReadOnlySpan<byte> Chunk() => Bytes(U16());

    /// <summary>The next chunk as a packet from <paramref name="pool"/>, cut to what a pooled
    /// buffer holds with the tailroom a transform needs (as the device readers cut it).</summary>
    public Packets.PacketBuffer PacketChunk(Packets.BufferPool pool)
    {
        var bytes = Chunk();
        var packet = pool.Rent();
        int room = packet.Writable.Length - Packets.BufferPool.DefaultTailroom;
        packet.CopyFrom(bytes.Length > room ? bytes[..room] : bytes);
        return packet;
    }

    public ReadOnlySpan<byte> Rest()
    {
        var taken = _rest;
        _rest = default;
        return taken;
    }
}
