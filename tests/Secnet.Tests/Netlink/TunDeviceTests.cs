using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Netlink;

/// <summary>Real tun devices in private namespaces (needs root), driven only through our code.</summary>
public sealed class TunDeviceTests
{
    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Peer = IPAddress.Parse("192.0.2.2");

    [Fact]
    public void OpenAndConfigureGivesAPointToPointInterface()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        Assert.Equal("devtun0", tun.InterfaceName);
        Assert.True(tun.InterfaceIndex > 0);
        tun.ConfigurePointToPoint(Local, Peer, 1400);

        var shown = ns.ExecChecked("ip", "addr", "show", "dev", "devtun0");
        Assert.Contains("inet 192.0.2.1 peer 192.0.2.2/32", shown);
        Assert.Contains("mtu 1400", shown);
        Assert.Contains("POINTOPOINT,NOARP,UP", shown);
    }

    [Fact]
    public void KernelNamesTheInterfaceWhenNoneIsRequested()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun"));
        Assert.StartsWith("tun", tun.InterfaceName);
        Assert.Contains(tun.InterfaceName, ns.ExecChecked("ip", "link", "show"));
    }

    [Fact]
    public void OpeningAMissingDeviceFileFailsWithSecnetsMessage()
    {
        var e = Assert.Throws<IOException>(() => TunDevice.Open("netlink-tun", null, "/nonexistent/tun"));
        Assert.Equal("netlink-tun: can't open device file /nonexistent/tun: No such file or directory", e.Message);
    }

    [Fact]
    public void PingFromTheKernelIsReadAndOurEchoRepliesReachIt()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var pool = new BufferPool();
        using var loop = new PacketIoLoop();
        var requests = new ConcurrentQueue<byte[]>();
        TunPacketPump? pump = null;
        pump = new TunPacketPump(tun, pool, packet =>
        {
            var data = packet.Data;
            if (IsIpv4Icmp(data, type: 8))
            {
                requests.Enqueue(data.ToArray());
                TurnIntoEchoReply(data);
                pump!.QueueWrite(packet);
            }
            else
            {
                packet.Release();
            }
        }, fatal: message => Assert.Fail(message), new RecordingLog());
        using (pump)
        {
            pump.Attach(loop);
            var ping = ns.Exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.2");
            Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
            Assert.Contains("3 received", ping.Output);
        }
        Assert.Equal(3, requests.Count);
        foreach (var request in requests)
        {
            Assert.Equal(Local, new IPAddress(request.AsSpan(12, 4)));
            Assert.Equal(Peer, new IPAddress(request.AsSpan(16, 4)));
        }
        Assert.True(pump.PacketsWritten >= 3);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LonePingsOnTheSharedLoopCostNoEmptyReads(bool offload)
    {
        // Each ping is a lone packet after a quiet spell: the loop reads it once and writes the
        // reply without a speculative read that would only find EAGAIN.
        using var ns = NetNs.Create("devices");
        ns.ExecChecked("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0", offload: offload));
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var pool = new BufferPool();
        using var loop = new PacketIoLoop();
        var loopThreads = new ConcurrentBag<bool>();
        TunPacketPump? pump = null;
        pump = new TunPacketPump(tun, pool, packet =>
        {
            loopThreads.Add(loop.IsLoopThread);
            if (IsIpv4Icmp(packet.Data, type: 8))
            {
                TurnIntoEchoReply(packet.Data);
                pump!.QueueWrite(packet);
            }
            else
            {
                packet.Release();
            }
        }, fatal: message => Assert.Fail(message), new RecordingLog());
        using (pump)
        {
            pump.Attach(loop);
            var ping = ns.Exec("ping", "-n", "-c", "5", "-i", "0.05", "-W", "2", "192.0.2.2");
            Assert.True(ping.ExitCode == 0, ping.Output + ping.Error);
            Assert.Contains("5 received", ping.Output);
            Assert.Equal(5, pump.PacketsRead);
            Assert.Equal(0, pump.EmptyReads);
            Assert.All(loopThreads, Assert.True);
        }
    }

    [Fact]
    public void InjectedUdpPacketReachesASocketInTheNamespace()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var listener = StartUdpListener(ns);

        var pool = new BufferPool();
        using var pump = new TunPacketPump(tun, pool, p => p.Release(), m => Assert.Fail(m), new RecordingLog());
        var packet = pool.Rent();
        packet.CopyFrom(BuildUdp(Peer, 4444, Local, 5555, [0xc0, 0xdb, 0x01, 0x02]));
        pump.QueueWrite(packet);

        Assert.True(listener.WaitForExit(10_000));
        Assert.Equal("c0db0102 192.0.2.2 4444", listener.StandardOutput.ReadLine());
        Assert.Equal(1, pump.PacketsWritten);
    }

    [Fact]
    public void RefusedOffloadsFallBackToAWorkingPlainDevice()
    {
        // A flag this kernel does not know: TUNSETOFFLOAD fails with EINVAL, as it would on a
        // kernel without TSO support for tun; the device must come up in plain mode and work.
        using var ns = NetNs.Create("devices");
        const uint Unknown = 0x8000_0000;
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0", TunDevice.DefaultDevicePath,
            Secnet.Interop.TunOffloadIoctl.TUN_F_CSUM | Unknown));
        Assert.False(tun.Offload);
        Assert.Equal("ioctl(TUNSETOFFLOAD): Invalid argument", tun.OffloadRefusal);
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var listener = StartUdpListener(ns);
        var pool = new BufferPool();
        using var pump = new TunPacketPump(tun, pool, p => p.Release(), m => Assert.Fail(m), new RecordingLog());
        var packet = pool.Rent();
        packet.CopyFrom(BuildUdp(Peer, 4444, Local, 5555, [0x0f, 0xf1, 0x0a, 0xd0]));
        pump.QueueWrite(packet);
        Assert.True(listener.WaitForExit(10_000));
        Assert.Equal("0ff10ad0 192.0.2.2 4444", listener.StandardOutput.ReadLine());
    }

    [Fact]
    public void RoutesAreAddedAndDeletedThroughRtnetlink()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var network = IPAddress.Parse("198.51.100.0");

        Assert.Equal(0, tun.AddRoute(network, 24, Peer));
        Assert.Contains("198.51.100.0/24 via 192.0.2.2 dev devtun0", ns.ExecChecked("ip", "route", "show"));
        Assert.Equal(Secnet.Interop.Errno.EEXIST, tun.AddRoute(network, 24, Peer));

        Assert.Equal(0, tun.AddRoute(IPAddress.Parse("203.0.113.8"), 29, Peer));
        Assert.Contains("203.0.113.8/29 via 192.0.2.2 dev devtun0", ns.ExecChecked("ip", "route", "show"));

        Assert.Equal(0, tun.DeleteRoute(network, 24, Peer));
        var after = ns.ExecChecked("ip", "route", "show");
        Assert.DoesNotContain("198.51.100.0/24", after);
        Assert.Contains("203.0.113.8/29", after);
        Assert.Equal(Secnet.Interop.Errno.ESRCH, tun.DeleteRoute(network, 24, Peer));
    }

    [Fact]
    public void RouteBeforeTheInterfaceIsUpIsRefusedWithAnErrno()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        Assert.NotEqual(0, tun.AddRoute(IPAddress.Parse("198.51.100.0"), 24, Peer));
    }

    [Fact]
    public void DeletedInterfaceIsFatalForTheReaderAndWritesWarnOncePerMinute()
    {
        using var ns = NetNs.Create("devices");
        using var tun = ns.Run(() => TunDevice.Open("netlink-tun", "devtun0"));
        tun.ConfigurePointToPoint(Local, Peer, 1400);
        var pool = new BufferPool();
        var log = new RecordingLog();
        var fatal = new ConcurrentQueue<string>();
        using var fatalSeen = new ManualResetEventSlim();
        using var loop = new PacketIoLoop();
        using var pump = new TunPacketPump(tun, pool, p => p.Release(), m => { fatal.Enqueue(m); fatalSeen.Set(); }, log);
        pump.Attach(loop);

        ns.ExecChecked("ip", "link", "del", "devtun0");
        Assert.True(fatalSeen.Wait(10_000), "reader did not notice the device going away");
        Assert.StartsWith("tun_afterpoll: read", Assert.Single(fatal));

        for (var i = 0; i < 3; i++)
        {
            var packet = pool.Rent();
            packet.CopyFrom(BuildUdp(Peer, 1, Local, 2, [1]));
            pump.QueueWrite(packet);
        }
        Assert.Equal(3, pump.WriteFailures);
        var warning = Assert.Single(log.Lines);
        Assert.StartsWith("failed to deliver packet to tun device: ", warning.Message);
        Assert.Equal(LogClass.Warning, warning.Class);
    }

    private static bool IsIpv4Icmp(ReadOnlySpan<byte> packet, byte type) =>
        packet.Length >= 28 && packet[0] >> 4 == 4 && packet[9] == 1 && packet[(packet[0] & 0xf) * 4] == type;

    private static void TurnIntoEchoReply(Span<byte> packet)
    {
        Span<byte> source = stackalloc byte[4];
        packet.Slice(12, 4).CopyTo(source);
        packet.Slice(16, 4).CopyTo(packet[12..]);
        source.CopyTo(packet[16..]);
        var headerLength = (packet[0] & 0xf) * 4;
        var icmp = packet[headerLength..];
        icmp[0] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum(icmp));
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], Checksum(packet[..headerLength]));
    }

    internal static byte[] BuildUdp(IPAddress source, ushort sourcePort, IPAddress destination, ushort destinationPort,
        byte[] payload)
    {
        var packet = new byte[28 + payload.Length];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;
        packet[9] = 17;
        source.TryWriteBytes(packet.AsSpan(12), out _);
        destination.TryWriteBytes(packet.AsSpan(16), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), Checksum(packet.AsSpan(0, 20)));
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), (ushort)(8 + payload.Length));
        payload.CopyTo(packet, 28);
        return packet;
    }

    private static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        for (var i = 0; i + 1 < data.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        if ((data.Length & 1) != 0) sum += (uint)data[^1] << 8;
        while (sum >> 16 != 0) sum = (sum & 0xffff) + (sum >> 16);
        return (ushort)~sum;
    }

    internal sealed class RecordingLog : ILog
    {
        public ConcurrentQueue<(LogClass Class, string Message)> Lines { get; } = new();

        public bool IsEnabled(LogClass cls) => true;

        public void Log(LogClass cls, string message) => Lines.Enqueue((cls, message));
    }

    /// <summary>A UDP listener on 192.0.2.1:5555 inside <paramref name="ns"/>, ready to receive
    /// one datagram and print "hex source-address source-port".</summary>
    internal static System.Diagnostics.Process StartUdpListener(NetNs ns)
    {
        var listener = ns.StartProcess("python3", "-c",
            "import socket\n" +
            "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n" +
            "s.bind(('192.0.2.1',5555))\n" +
            "print('ready',flush=True)\n" +
            "s.settimeout(10)\n" +
            "d,a=s.recvfrom(2048)\n" +
            "print(d.hex(),a[0],a[1],flush=True)\n");
        Assert.Equal("ready", listener.StandardOutput.ReadLine());
        return listener;
    }
}
