using System.Buffers.Binary;

namespace Secnet.Sites.Messages;

/// <summary>Bounds-checked big-endian reader; every Try method fails instead of throwing.</summary>
public ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    public WireReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    public readonly int Position => _pos;
    public readonly int Remaining => _data.Length - _pos;

    public bool TryU8(out byte value)
    {
        if (Remaining < 1) { value = 0; return false; }
        value = _data[_pos++];
        return true;
    }

    public bool TryU16(out ushort value)
    {
        if (Remaining < 2) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt16BigEndian(_data[_pos..]);
        _pos += 2;
        return true;
    }

    public bool TryU32(out uint value)
    {
        if (Remaining < 4) { value = 0; return false; }
        value = BinaryPrimitives.ReadUInt32BigEndian(_data[_pos..]);
        _pos += 4;
        return true;
    }

    public bool TryBytes(int count, out ReadOnlySpan<byte> value)
    {
        if ((uint)count > (uint)Remaining) { value = default; return false; }
        value = _data.Slice(_pos, count);
        _pos += count;
        return true;
    }

    /// <summary>A u16-length string.</summary>
    public bool TryString(out ReadOnlySpan<byte> value)
    {
        value = default;
        int save = _pos;
        if (!TryU16(out ushort len)) return false;
        if (TryBytes(len, out value)) return true;
        _pos = save;
        return false;
    }

    public ReadOnlySpan<byte> Rest()
    {
        var r = _data[_pos..];
        _pos = _data.Length;
        return r;
    }
}
