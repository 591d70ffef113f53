using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Config;
using Secnet.Log;
using Secnet.Packets;
using Secnet.Runtime;
using Secnet.Sites.Messages;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Comm;

/// <summary>
/// Root test: the comm runs in namespace A with two veth links, ppa1 (192.0.2.1) to namespace B1
/// and ppa2 (198.51.100.1) to B2. Both peers own 203.0.113.9, so one datagram to it must arrive
/// once in each peer when it leaves through both interfaces. A fake monitor drives the interfaces.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class PolypathNetnsTests
{
    private const int Port = 40001;
    private const int PeerPort = 40009;

    [Fact]
    public void SendsThroughEveryInterfaceAndFollowsTheMonitor()
    {
        using var a = NetNs.Create("polypath");
        using var b1 = NetNs.Create("polypath");
        using var b2 = NetNs.Create("polypath");
        using var monitor = new PolypathFakeMonitor();
        Link(a, "ppa1", "192.0.2.1", b1, "ppb1", "192.0.2.2");
        Link(a, "ppa2", "198.51.100.1", b2, "ppb2", "198.51.100.2");
        a.ExecChecked("ip", "route", "add", "203.0.113.9/32", "dev", "ppa1");
        a.ExecChecked("ip", "route", "add", "203.0.113.9/32", "dev", "ppa2", "metric", "10");
        foreach (var (peer, dev, via) in new[] { (b1, "ppb1", "192.0.2.1"), (b2, "ppb2", "198.51.100.1") })
        {
            peer.ExecChecked("ip", "addr", "add", "203.0.113.9/32", "dev", "lo");
            peer.ExecChecked("ip", "route", "add", "203.0.113.0/24", "via", via, "dev", dev);
        }
        using var receiver1 = b1.Run(() => Bound("203.0.113.9", PeerPort));
        using var receiver2 = b2.Run(() => Bound("203.0.113.9", PeerPort));

        var log = new PolypathTestLog();
        var loop = new EventLoop();
        var options = new PolypathOptions { Port = Port, MonitorCommand = [monitor.Script], Location = new Location("t", 1) };
        using var packets = new PacketIoLoop();
        using var comm = new PolypathComm(options, log, loop, new BufferPool(), packets);
        var site = new RecordingReceiver();
        comm.Register(site);
        loop.Post(comm.StartMonitor);
        // Sockets are created on the loop thread, so it runs inside namespace A.
        var run = Task.Factory.StartNew(() => a.Run(loop.Run), TaskCreationOptions.LongRunning);
        try
        {
            monitor.Send("+4 ppa1 192.0.2.1", "+4 ppa2 198.51.100.1", "+4 lo 127.0.0.1", "+6 ppa1 fe80::1");
            WaitFor(() => log.Lines.Count >= 5, "four monitor lines applied");
            Assert.Equal(2, comm.ActiveSockets.Count);
            Assert.True(log.Has(LogClass.Info, "polypath (t:1): using ppa1 [192.0.2.1]:40001"));
            Assert.True(log.Has(LogClass.Info, "polypath (t:1): using ppa2 [198.51.100.1]:40001"));
            Assert.True(log.Has(LogClass.Info, "polypath (t:1): ignoring lo [127.0.0.1]: unwanted interface name"));
            Assert.True(log.Has(LogClass.Info, "polypath (t:1): ignoring ppa1 [fe80::1]: IPv6 address is link local"));

            var destination = new IPEndPoint(IPAddress.Parse("203.0.113.9"), PeerPort).Serialize();
            Assert.True(comm.Send("hello"u8, destination), string.Join("\n", log.Lines));
            // Each copy leaves from its interface's own address and the configured port.
            Assert.Equal(("hello", new IPEndPoint(IPAddress.Parse("192.0.2.1"), Port)), Receive(receiver1));
            Assert.Equal(("hello", new IPEndPoint(IPAddress.Parse("198.51.100.1"), Port)), Receive(receiver2));

            // A site's run of datagrams leaves each interface as one segmented sendmmsg, in order.
            var pool = new BufferPool();
            var burst = new PacketBuffer[3];
            for (int i = 0; i < burst.Length; i++)
            {
                burst[i] = pool.Rent();
                burst[i].CopyFrom(System.Text.Encoding.ASCII.GetBytes($"burst{i}"));
            }
            Assert.Equal(burst.Length, comm.SendBatch(burst, destination));
            foreach (var receiver in new[] { receiver1, receiver2 })
                for (int i = 0; i < burst.Length; i++) Assert.Equal($"burst{i}", Receive(receiver).Text);
            Assert.True(comm.Offload.GsoMessages > 0, "no segmented send");

            // A datagram from a peer reaches the registered site through the interface's socket.
            b1.Run(() =>
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.SendTo("from-b1-data"u8.ToArray(), new IPEndPoint(IPAddress.Parse("192.0.2.1"), Port));
            });
            WaitFor(() => site.Count > 0, "datagram delivered to the site");
            Assert.Equal("from-b1-data", site.Last);

            // The interface going away stops its use.
            monitor.Send("-4 ppa2 198.51.100.1");
            WaitFor(() => comm.ActiveSockets.Count == 1, "ppa2 removed");
            Assert.True(log.Has(LogClass.Info, "polypath (t:1): removed ppa2 [198.51.100.1]:40001"));
            Assert.True(comm.Send("again"u8, destination), string.Join("\n", log.Lines));
            Assert.Equal("again", Receive(receiver1).Text);
            Assert.Null(TryReceive(receiver2, 500));

            // Garbage warns and changes nothing; then the monitor's EOF is fatal, without a hang.
            monitor.Send("garbage");
            WaitFor(() => log.Has(LogClass.Warning,
                "polypath (t:1): error processing polypath state change: bad +/- (while processing `garbage')"), "garbage warning");
            monitor.Close();
            Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "loop did not stop");
            var fatal = Assert.IsType<SecnetFatalException>(run.Exception?.InnerException?.InnerException);
            Assert.Equal("polypath (t:1): unexpected EOF from interface monitor", fatal.Message);
        }
        finally
        {
            loop.Stop();
        }
    }

    /// <summary>
    /// Issue 15: the default pattern list makes "hippoci" a dedicated (<c>@hippo*</c>) interface.
    /// The comm itself (a site without comm-info) sends only through the general ppa1; the view
    /// for a site whose dedicated-interface-addr is hippoci's address sends through both, the
    /// dedicated copy from that address; a view for an address no dedicated socket has sends
    /// through the general interface alone and still succeeds (what 0.6.7 does, daemon-comminfo.sh).
    /// </summary>
    [Fact]
    public void DedicatedInterfaceIsUsedOnlyByTheSiteWithItsAddress()
    {
        using var a = NetNs.Create("ci-polypath");
        using var b1 = NetNs.Create("ci-polypath");
        using var b2 = NetNs.Create("ci-polypath");
        using var monitor = new PolypathFakeMonitor();
        Link(a, "ppa1", "192.0.2.1", b1, "ppb1", "192.0.2.2");
        Link(a, "hippoci", "198.51.100.1", b2, "ppb2", "198.51.100.2");
        a.ExecChecked("ip", "route", "add", "203.0.113.9/32", "dev", "ppa1");
        a.ExecChecked("ip", "route", "add", "203.0.113.9/32", "dev", "hippoci", "metric", "10");
        foreach (var (peer, dev, via) in new[] { (b1, "ppb1", "192.0.2.1"), (b2, "ppb2", "198.51.100.1") })
        {
            peer.ExecChecked("ip", "addr", "add", "203.0.113.9/32", "dev", "lo");
            peer.ExecChecked("ip", "route", "add", "203.0.113.0/24", "via", via, "dev", dev);
        }
        using var general = b1.Run(() => Bound("203.0.113.9", PeerPort));
        using var dedicated = b2.Run(() => Bound("203.0.113.9", PeerPort));

        var log = new PolypathTestLog();
        var loop = new EventLoop();
        var options = new PolypathOptions { Port = Port, MonitorCommand = [monitor.Script], Location = new Location("t", 1) };
        using var packets = new PacketIoLoop();
        using var comm = new PolypathComm(options, log, loop, new BufferPool(), packets);
        var withAddress = comm.ForDedicatedAddress(IPAddress.Parse("198.51.100.1"));
        var otherAddress = comm.ForDedicatedAddress(IPAddress.Parse("198.51.100.77"));
        loop.Post(comm.StartMonitor);
        var run = Task.Factory.StartNew(() => a.Run(loop.Run), TaskCreationOptions.LongRunning);
        try
        {
            monitor.Send("+4 ppa1 192.0.2.1", "+4 hippoci 198.51.100.1");
            WaitFor(() => comm.ActiveSockets.Count == 2, "both interfaces in use");
            var destination = new IPEndPoint(IPAddress.Parse("203.0.113.9"), PeerPort).Serialize();

            Assert.True(comm.Send("plain"u8, destination), string.Join("\n", log.Lines));
            Assert.Equal(("plain", new IPEndPoint(IPAddress.Parse("192.0.2.1"), Port)), Receive(general));
            Assert.Null(TryReceive(dedicated, 500));

            Assert.True(withAddress.Send("mine"u8, destination), string.Join("\n", log.Lines));
            Assert.Equal(("mine", new IPEndPoint(IPAddress.Parse("192.0.2.1"), Port)), Receive(general));
            Assert.Equal(("mine", new IPEndPoint(IPAddress.Parse("198.51.100.1"), Port)), Receive(dedicated));

            Assert.True(otherAddress.Send("other"u8, destination), string.Join("\n", log.Lines));
            Assert.Equal("other", Receive(general).Text);
            Assert.Null(TryReceive(dedicated, 500));
        }
        finally
        {
            loop.Stop();
            ((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
        }
    }

    private static void Link(NetNs a, string devA, string addrA, NetNs b, string devB, string addrB)
    {
        a.ExecChecked("ip", "link", "add", devA, "type", "veth", "peer", "name", devB, "netns", b.Name);
        a.ExecChecked("ip", "addr", "add", addrA + "/24", "dev", devA);
        a.ExecChecked("ip", "link", "set", devA, "up");
        b.ExecChecked("ip", "addr", "add", addrB + "/24", "dev", devB);
        b.ExecChecked("ip", "link", "set", devB, "up");
    }

    private static Socket Bound(string address, int port)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Parse(address), port));
        return s;
    }

    private static (string Text, IPEndPoint From) Receive(Socket s) =>
        TryReceive(s, 5000) ?? throw new TimeoutException("no datagram");

    private static (string Text, IPEndPoint From)? TryReceive(Socket s, int timeoutMs)
    {
        if (!s.Poll(timeoutMs * 1000, SelectMode.SelectRead)) return null;
        var buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var n = s.ReceiveFrom(buffer, ref from);
        return (System.Text.Encoding.ASCII.GetString(buffer, 0, n), (IPEndPoint)from);
    }

    private static void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            Thread.Sleep(20);
        }
    }

    private sealed class RecordingReceiver : ICommReceiver
    {
        private readonly List<string> _texts = [];

        public int Count
        {
            get
            {
                lock (_texts) return _texts.Count;
            }
        }

        public string Last
        {
            get
            {
                lock (_texts) return _texts[^1];
            }
        }

        // The test's datagram "from-b1-data" is addressed, as a header, to index "from".
        public uint LocalIndex => 0x66726f6d;

        public bool TryReceive(IComm comm, PacketBuffer packet, PacketHeader header, SocketAddress source, ref string? refusal)
        {
            lock (_texts) _texts.Add(System.Text.Encoding.ASCII.GetString(packet.Data));
            packet.Release();
            return true;
        }
    }
}
