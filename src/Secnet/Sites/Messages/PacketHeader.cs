using System.Buffers.Binary;

namespace Secnet.Sites.Messages;

/// <summary>The 12-byte header every site-layer datagram starts with (protocol.md §1).</summary>
public readonly record struct PacketHeader(uint Dest, uint Source, uint Label)
{
    public const int Length = 12;

    public static bool TryParse(ReadOnlySpan<byte> packet, out PacketHeader header)
    {
        if (packet.Length < Length) { header = default; return false; }
        header = new PacketHeader(
            BinaryPrimitives.ReadUInt32BigEndian(packet),
            BinaryPrimitives.ReadUInt32BigEndian(packet[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(packet[8..]));
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Dest);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Source);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Label);
    }

    /// <summary>The NAK answering this header: indices swapped, label 0 (protocol.md §4.7).</summary>
    public PacketHeader NakReply() => new(Source, Dest, MessageLabel.Nak);
}
