using System.Buffers.Binary;

namespace Secnet.Tests.TestSupport;

/// <summary>One UDP datagram from a capture.</summary>
internal sealed record UdpDatagram(int Index, int SourcePort, int DestinationPort, byte[] Payload);

/// <summary>Minimal classic-pcap reader (microsecond, either byte order) for the shared
/// captures: Ethernet or Linux cooked link type, IPv4/IPv6, UDP only.</summary>
internal static class Pcap
{
    private const int LinkEthernet = 1;
    private const int LinkLinuxCooked = 113;

    public static List<UdpDatagram> ReadUdp(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        bool littleEndian = BinaryPrimitives.ReadUInt32LittleEndian(file) == 0xa1b2c3d4;
        bool bigEndian = BinaryPrimitives.ReadUInt32BigEndian(file) == 0xa1b2c3d4;
        if (!littleEndian && !bigEndian)
        {
            throw new InvalidDataException($"{path}: not a microsecond pcap file");
        }

        uint U32(int offset) => littleEndian
            ? BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset))
            : BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(offset));

        int linkType = (int)U32(20);
        var result = new List<UdpDatagram>();
        int position = 24;
        int index = 0;
        while (position + 16 <= file.Length)
        {
            int captured = (int)U32(position + 8);
            ReadOnlySpan<byte> frame = file.AsSpan(position + 16, captured);
            position += 16 + captured;
            index++;
            UdpDatagram? datagram = ParseFrame(index, linkType, frame);
            if (datagram is not null)
            {
                result.Add(datagram);
            }
        }

        return result;
    }

    private static UdpDatagram? ParseFrame(int index, int linkType, ReadOnlySpan<byte> frame)
    {
        int etherTypeOffset = linkType switch
        {
            LinkEthernet => 12,
            LinkLinuxCooked => 14,
            _ => throw new InvalidDataException($"unsupported link type {linkType}"),
        };
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[etherTypeOffset..]);
        ReadOnlySpan<byte> ip = frame[(etherTypeOffset + 2)..];
        ReadOnlySpan<byte> udp;
        if (etherType == 0x0800 && ip[9] == 17)
        {
            udp = ip[((ip[0] & 0x0f) * 4)..];
        }
        else if (etherType == 0x86dd && ip[6] == 17)
        {
            udp = ip[40..];
        }
        else
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
        return new UdpDatagram(
            index,
            BinaryPrimitives.ReadUInt16BigEndian(udp),
            BinaryPrimitives.ReadUInt16BigEndian(udp[2..]),
            udp[8..length].ToArray());
    }
}
