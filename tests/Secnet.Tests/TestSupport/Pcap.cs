using System.Buffers.Binary;

namespace Secnet.Tests.TestSupport;

/// <summary>One UDP datagram from a capture.</summary>
internal sealed record UdpDatagram(int SourcePort, int DestinationPort, byte[] Payload);

/// <summary>
/// Minimal reader for classic little-endian pcap files holding Ethernet (link type 1) or Linux cooked
/// (113) frames: yields the UDP datagrams over IPv4 and IPv6 (without extension headers), in order.
/// </summary>
internal static class Pcap
{
    private const uint Magic = 0xa1b2c3d4;

    public static List<UdpDatagram> ReadUdp(string path)
    {
        var d = File.ReadAllBytes(path);
        if (BinaryPrimitives.ReadUInt32LittleEndian(d) != Magic)
            throw new InvalidDataException("not a little-endian microsecond pcap file");
        uint linkType = BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(20));
        var result = new List<UdpDatagram>();
        int pos = 24;
        while (pos + 16 <= d.Length)
        {
            int captured = (int)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(pos + 8));
            var frame = d.AsSpan(pos + 16, captured);
            pos += 16 + captured;
            int etherType, ipOffset;
            switch (linkType)
            {
                case 1: etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]); ipOffset = 14; break;
                case 113: etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]); ipOffset = 16; break;
                default: throw new InvalidDataException($"link type {linkType} not supported");
            }
            var ip = frame[ipOffset..];
            ReadOnlySpan<byte> udp;
            if (etherType == 0x0800 && ip[9] == 17)
                udp = ip[((ip[0] & 15) * 4)..];
            else if (etherType == 0x86dd && ip[6] == 17)
                udp = ip[40..];
            else
                continue;
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(udp[4..]);
            result.Add(new UdpDatagram(
                BinaryPrimitives.ReadUInt16BigEndian(udp),
                BinaryPrimitives.ReadUInt16BigEndian(udp[2..]),
                udp[8..udpLength].ToArray()));
        }
        return result;
    }
}
