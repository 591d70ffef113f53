using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>
/// struct virtio_net_hdr, the 10 bytes in front of every packet on a tun opened with
/// IFF_VNET_HDR (little-endian, as the kernel uses on x86 and arm64 tun devices).
/// </summary>
public readonly record struct VirtioNetHeader(byte Flags, byte GsoType, ushort HeaderLength, ushort GsoSize,
    ushort ChecksumStart, ushort ChecksumOffset)
{
    public const int Size = 10;

    public const byte FlagNeedsChecksum = 1;
    public const byte GsoNone = 0;
    public const byte GsoTcpV4 = 1;
    public const byte GsoTcpV6 = 4;
    public const byte GsoEcn = 0x80;

    /// <summary>Offset of the checksum field in a TCP header.</summary>
    public const ushort TcpChecksumOffset = 16;

    public bool NeedsChecksum => (Flags & FlagNeedsChecksum) != 0;

    public static VirtioNetHeader Read(ReadOnlySpan<byte> header) => new(
        header[0], header[1],
        BinaryPrimitives.ReadUInt16LittleEndian(header[2..]),
        BinaryPrimitives.ReadUInt16LittleEndian(header[4..]),
        BinaryPrimitives.ReadUInt16LittleEndian(header[6..]),
        BinaryPrimitives.ReadUInt16LittleEndian(header[8..]));

    public void Write(Span<byte> header)
    {
        header[0] = Flags;
        header[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], ChecksumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], ChecksumOffset);
    }
}
