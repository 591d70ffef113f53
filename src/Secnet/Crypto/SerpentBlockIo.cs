using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Secnet.Crypto;

/// <summary>Block bytes to and from the four Serpent words in either byte order (crypto.md §1.2, §1.3).</summary>
internal static class SerpentBlockIo
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(ReadOnlySpan<byte> b, SerpentByteOrder order, out Word32 x0, out Word32 x1, out Word32 x2, out Word32 x3)
    {
        b = b[..16];
        if (order == SerpentByteOrder.Standard)
        {
            x0 = new(BinaryPrimitives.ReadUInt32LittleEndian(b));
            x1 = new(BinaryPrimitives.ReadUInt32LittleEndian(b[4..]));
            x2 = new(BinaryPrimitives.ReadUInt32LittleEndian(b[8..]));
            x3 = new(BinaryPrimitives.ReadUInt32LittleEndian(b[12..]));
        }
        else
        {
            x0 = new(BinaryPrimitives.ReadUInt32BigEndian(b[12..]));
            x1 = new(BinaryPrimitives.ReadUInt32BigEndian(b[8..]));
            x2 = new(BinaryPrimitives.ReadUInt32BigEndian(b[4..]));
            x3 = new(BinaryPrimitives.ReadUInt32BigEndian(b));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<byte> b, SerpentByteOrder order, Word32 x0, Word32 x1, Word32 x2, Word32 x3)
    {
        b = b[..16];
        if (order == SerpentByteOrder.Standard)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, x0.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], x1.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(b[8..], x2.Value);
            BinaryPrimitives.WriteUInt32LittleEndian(b[12..], x3.Value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(b[12..], x0.Value);
            BinaryPrimitives.WriteUInt32BigEndian(b[8..], x1.Value);
            BinaryPrimitives.WriteUInt32BigEndian(b[4..], x2.Value);
            BinaryPrimitives.WriteUInt32BigEndian(b, x3.Value);
        }
    }
}
