using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Secnet.Crypto;

/// <summary>Block bytes to and from the four Serpent words in either byte order (crypto.md §1.2, §1.3).</summary>
internal static class SerpentBlockIo
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load(ReadOnlySpan<byte> b, SerpentByteOrder order, out uint x0, out uint x1, out uint x2, out uint x3)
    {
        b = b[..16];
        if (order == SerpentByteOrder.Standard)
        {
            x0 = BinaryPrimitives.ReadUInt32LittleEndian(b);
            x1 = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
            x2 = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
            x3 = BinaryPrimitives.ReadUInt32LittleEndian(b[12..]);
        }
        else
        {
            x0 = BinaryPrimitives.ReadUInt32BigEndian(b[12..]);
            x1 = BinaryPrimitives.ReadUInt32BigEndian(b[8..]);
            x2 = BinaryPrimitives.ReadUInt32BigEndian(b[4..]);
            x3 = BinaryPrimitives.ReadUInt32BigEndian(b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Span<byte> b, SerpentByteOrder order, uint x0, uint x1, uint x2, uint x3)
    {
        b = b[..16];
        if (order == SerpentByteOrder.Standard)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b, x0);
            BinaryPrimitives.WriteUInt32LittleEndian(b[4..], x1);
            BinaryPrimitives.WriteUInt32LittleEndian(b[8..], x2);
            BinaryPrimitives.WriteUInt32LittleEndian(b[12..], x3);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(b[12..], x0);
            BinaryPrimitives.WriteUInt32BigEndian(b[8..], x1);
            BinaryPrimitives.WriteUInt32BigEndian(b[4..], x2);
            BinaryPrimitives.WriteUInt32BigEndian(b, x3);
        }
    }
}
