using System.Buffers.Binary;

namespace Secnet.Tests.Netlink;

/// <summary>Builds and checks IPv4/TCP packets for the offload tests with its own plain
/// 16-bit checksum loop, independent of the code under test.</summary>
internal static class TcpPacketKit
{
    public const byte Fin = 0x01, Syn = 0x02, Psh = 0x08, Ack = 0x10, Urg = 0x20, Cwr = 0x80;

    public static readonly byte[] Source = [192, 0, 2, 1];
    public static readonly byte[] Destination = [192, 0, 2, 2];

    /// <summary>Timestamp option (with two NOPs): 12 bytes, as Linux sends on data segments.</summary>
    public static byte[] Timestamps(uint value, uint echo)
    {
        var o = new byte[12];
        o[0] = 1;
        o[1] = 1;
        o[2] = 8;
        o[3] = 10;
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(4), value);
        BinaryPrimitives.WriteUInt32BigEndian(o.AsSpan(8), echo);
        return o;
    }

    public static byte[] Payload(int length, int seed)
    {
        var p = new byte[length];
        new Random(seed).NextBytes(p);
        return p;
    }

    /// <summary>A complete packet with correct IP and TCP checksums.</summary>
    public static byte[] Build(uint sequence, byte flags, byte[] payload, byte[]? options = null, ushort id = 0x1234,
        ushort sourcePort = 40000, ushort destinationPort = 5001, uint ack = 777, ushort window = 500, byte ttl = 64,
        byte tos = 0, bool dontFragment = true, bool validChecksum = true)
    {
        options ??= [];
        var tcpLength = 20 + options.Length;
        var packet = new byte[20 + tcpLength + payload.Length];
        packet[0] = 0x45;
        packet[1] = tos;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(6), (ushort)(dontFragment ? 0x4000 : 0));
        packet[8] = ttl;
        packet[9] = 6;
        Source.CopyTo(packet, 12);
        Destination.CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20)));
        var tcp = packet.AsSpan(20);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], ack);
        tcp[12] = (byte)(tcpLength / 4 << 4);
        tcp[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], window);
        options.CopyTo(tcp[20..]);
        payload.CopyTo(tcp[tcpLength..]);
        var checksum = TcpChecksum(packet);
        if (!validChecksum) checksum ^= 0x5a5a;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], checksum);
        return packet;
    }

    /// <summary>The TCP checksum the packet should carry (computed with its field as zero).</summary>
    public static ushort TcpChecksum(ReadOnlySpan<byte> packet)
    {
        var copy = packet.ToArray();
        var ipLength = (copy[0] & 0xf) * 4;
        copy[ipLength + 16] = 0;
        copy[ipLength + 17] = 0;
        return (ushort)~Fold(Sum(PseudoHeader(copy, copy.Length - ipLength)) + Sum(copy.AsSpan(ipLength)));
    }

    public static bool IpChecksumValid(ReadOnlySpan<byte> packet) => Checksum(packet[..((packet[0] & 0xf) * 4)]) == 0;

    public static bool TcpChecksumValid(ReadOnlySpan<byte> packet) =>
        BinaryPrimitives.ReadUInt16BigEndian(packet[(((packet[0] & 0xf) * 4) + 16)..]) == TcpChecksum(packet);

    /// <summary>The non-complemented pseudo-header sum a CHECKSUM_PARTIAL packet carries.</summary>
    public static ushort PseudoHeaderSum(ReadOnlySpan<byte> packet, int tcpLength) => Fold(Sum(PseudoHeader(packet, tcpLength)));

    private static byte[] PseudoHeader(ReadOnlySpan<byte> packet, int tcpLength)
    {
        var pseudo = new byte[12];
        packet.Slice(12, 8).CopyTo(pseudo);
        pseudo[9] = 6;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)tcpLength);
        return pseudo;
    }

    public static ushort Checksum(ReadOnlySpan<byte> data) => (ushort)~Fold(Sum(data));

    private static uint Sum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0) sum += (uint)data[^1] << 8;
        return sum;
    }

    private static ushort Fold(uint sum)
    {
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)sum;
    }

    public static uint Sequence(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[24..]);

    public static ushort IpId(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);

    public static int TotalLength(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
}
