using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Sites;

/// <summary>UDP payloads of tests/vectors/kex-capture.pcap (protocol.md §15), numbered as in the
/// capture, read from the capture itself rather than copied out of it.</summary>
internal static class KexCapture
{
    private static readonly List<UdpDatagram> Datagrams = Pcap.ReadUdp(RepoPaths.Vector("kex-capture.pcap"));

    /// <summary>The payload of capture packet <paramref name="number"/> (1-based).</summary>
    public static byte[] Packet(int number) => Datagrams[number - 1].Payload;

    public static byte[] Packet1 => Packet(1);
    public static byte[] Packet2 => Packet(2);
    public static byte[] Packet3 => Packet(3);
    public static byte[] Packet4 => Packet(4);
    public static byte[] Packet5 => Packet(5);
    public static byte[] Packet6 => Packet(6);
    public static byte[] Packet7 => Packet(7);
    public static byte[] Packet8 => Packet(8);
    public static byte[] Packet9 => Packet(9);
    public static byte[] Packet10 => Packet(10);
    public static byte[] Packet11 => Packet(11);
    public static byte[] Packet12 => Packet(12);
    public static byte[] Packet13 => Packet(13);
    public static byte[] Packet14 => Packet(14);
}
