using System.Buffers.Binary;

namespace Secnet.Sites.Messages;

/// <summary>Big-endian writer over a span the caller sized with the message's Length.</summary>
public ref struct WireWriter
{
    private readonly Span<byte> _data;
    private int _pos;

    public WireWriter(Span<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public void U8(byte value) => _data[_pos++] = value;

    public void U16(ushort value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_data[_pos..], value);
        _pos += 2;
    }

    public void U32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_data[_pos..], value);
        _pos += 4;
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_data[_pos..]);
        _pos += value.Length;
    }

    public void String(ReadOnlySpan<byte> value)
    {
        U16(checked((ushort)value.Length));
        Bytes(value);
    }
}
