using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Tests.Netlink;

/// <summary>Captures log lines.</summary>
internal sealed class CapturingLog : ILog
{
    public List<(LogClass Class, string Text)> Lines { get; } = new();
    public bool IsEnabled(LogClass cls) => true;
    public void Log(LogClass cls, string message) => Lines.Add((cls, message));
    public IEnumerable<string> Texts => Lines.Select(l => l.Text);
}

/// <summary>A tunnel endpoint that keeps copies of what it was given.</summary>
internal sealed class CapturingEndpoint : ITunnelEndpoint
{
    public List<byte[]> Packets { get; } = new();
    public void QueueSeal(PacketBuffer packet)
    {
        Packets.Add(packet.Data.ToArray());
        packet.Release();
    }
}

/// <summary>A device whose "kernel" is a list, with a record of route hook calls.</summary>
internal sealed class TestDevice : NetlinkDevice
{
    public TestDevice(NetlinkDeviceOptions options, ILog log, BufferPool? pool = null, bool soft = true)
        : base(options, log, pool ?? new BufferPool())
    {
        SupportsSoftRoutes = soft;
    }

    public override bool SupportsSoftRoutes { get; }
    public List<byte[]> ToHost { get; } = new();
    public List<(string Client, bool Up)> RouteCalls { get; } = new();

    public void InterfaceConfigured() => EnableKernelRoutes();

    protected internal override void QueueToHost(PacketBuffer packet)
    {
        ToHost.Add(packet.Data.ToArray());
        packet.Release();
    }

    protected override void SetRoutes(NetlinkClient client, bool up) => RouteCalls.Add((client.Name, up));
}

/// <summary>Builds IPv4 packets field by field, with its own checksum code (independent of the
/// implementation under test).</summary>
internal static class Packets
{
    public static uint A(string s) => Ipv4Address.Parse(s);

    public static byte[] Ipv4(string src, string dst, byte protocol = 17, byte[]? payload = null,
        byte ttl = 64, ushort id = 0x1234, ushort flagsOffset = 0, byte[]? options = null, byte tos = 0)
    {
        options ??= [];
        payload ??= new byte[8];
        int hl = 20 + options.Length;
        var p = new byte[hl + payload.Length];
        p[0] = (byte)(0x40 | (hl / 4));
        p[1] = tos;
        p[2] = (byte)(p.Length >> 8); p[3] = (byte)p.Length;
        p[4] = (byte)(id >> 8); p[5] = (byte)id;
        p[6] = (byte)(flagsOffset >> 8); p[7] = (byte)flagsOffset;
        p[8] = ttl; p[9] = protocol;
        Put32(p, 12, A(src)); Put32(p, 16, A(dst));
        options.CopyTo(p, 20);
        payload.CopyTo(p, hl);
        FixIpChecksum(p);
        return p;
    }

    /// <summary>An ICMP message (type, code, 4 bytes rest, data) with a correct checksum.</summary>
    public static byte[] Icmp(byte type, byte code, uint rest, byte[] data)
    {
        var m = new byte[8 + data.Length];
        m[0] = type; m[1] = code;
        Put32(m, 4, rest);
        data.CopyTo(m, 8);
        var c = Checksum(m);
        m[2] = (byte)(c >> 8); m[3] = (byte)c;
        return m;
    }

    public static void FixIpChecksum(byte[] p)
    {
        int hl = (p[0] & 15) * 4;
        p[10] = 0; p[11] = 0;
        var c = Checksum(p.AsSpan(0, hl));
        p[10] = (byte)(c >> 8); p[11] = (byte)c;
    }

    public static ushort Checksum(ReadOnlySpan<byte> d)
    {
        long sum = 0;
        for (int i = 0; i < d.Length; i++) sum += (i % 2 == 0) ? d[i] << 8 : d[i];
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)(~sum & 0xffff);
    }

    public static void Put32(byte[] b, int at, uint v)
    {
        b[at] = (byte)(v >> 24); b[at + 1] = (byte)(v >> 16); b[at + 2] = (byte)(v >> 8); b[at + 3] = (byte)v;
    }

    public static PacketBuffer Buffer(BufferPool pool, byte[] data)
    {
        var b = pool.Rent();
        b.CopyFrom(data);
        return b;
    }

    /// <summary>The ICMP error secnet would build, assembled from the spec's field list.</summary>
    public static byte[] ExpectedIcmpError(string from, string to, byte type, byte code, uint rest, byte[] offending)
    {
        int hl = (offending[0] & 15) * 4;
        int total = (offending[2] << 8) | offending[3];
        int quoted = Math.Min(hl + 8, total);
        var icmp = Icmp(type, code, rest, offending.AsSpan(0, quoted).ToArray());
        var p = Ipv4(from, to, protocol: 1, payload: icmp, ttl: 255, id: 0);
        return p;
    }
}
