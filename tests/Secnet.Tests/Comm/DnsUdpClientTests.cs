using System.Net;
using System.Net.Sockets;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

/// <summary>
/// The direct-to-server lookups against small DNS servers on 127.0.0.x (loopback only): answers,
/// failures, junk that must be ignored, silence (timeouts) and moving on to the next server.
/// </summary>
public class DnsUdpClientTests
{
    /// <summary>A UDP server on an ephemeral loopback port answering with <paramref name="answer"/>
    /// (null: stays silent); records every question's type.</summary>
    private sealed class TinyServer : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        private readonly Task _run;
        public List<ushort> Questions { get; } = [];

        public TinyServer(IPAddress address, int port, Func<ushort, string, ushort, byte[][]>? answer)
        {
            _socket.Bind(new IPEndPoint(address, port));
            Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
            _run = Task.Run(async () =>
            {
                var buffer = new byte[600];
                while (true)
                {
                    SocketReceiveFromResult got;
                    try { got = await _socket.ReceiveFromAsync(buffer, new IPEndPoint(IPAddress.Any, 0)); }
                    catch (Exception e) when (e is SocketException or ObjectDisposedException) { return; }
                    ushort id = (ushort)(buffer[0] << 8 | buffer[1]);
                    int at = 12;
                    var labels = new List<string>();
                    while (buffer[at] != 0)
                    {
                        labels.Add(System.Text.Encoding.ASCII.GetString(buffer, at + 1, buffer[at]));
                        at += buffer[at] + 1;
                    }
                    ushort type = (ushort)(buffer[at + 1] << 8 | buffer[at + 2]);
                    lock (Questions) Questions.Add(type);
                    if (answer is null) continue;
                    foreach (var reply in answer(id, string.Join('.', labels), type))
                        await _socket.SendToAsync(reply, got.RemoteEndPoint);
                }
            });
        }

        public int Port { get; }

        public void Dispose()
        {
            _socket.Dispose();
            _run.Wait(TimeSpan.FromSeconds(5));
        }
    }

    private static DnsUdpClient Client(int port, int retryMs = 300, int maxSends = 4, params string[] servers)
    {
        var text = string.Join('\n', servers.Select(s => "nameserver " + s));
        var config = AdnsConfig.Parse(text, out var error) ?? throw new InvalidOperationException(error);
        return new DnsUdpClient(config) { Port = port, RetryMs = retryMs, MaxSends = maxSends };
    }

    private static byte[][] Answers(ushort id, string name, ushort type)
    {
        if (name != "peer.example") return [DnsWireTests.Reply(id, name, type, rcode: 3)];
        var data = type == DnsWire.TypeA ? new byte[] { 192, 0, 2, 9 } : IPAddress.Parse("2001:db8::9").GetAddressBytes();
        return [DnsWireTests.Reply(id, name, type, answers: [DnsWireTests.Record(type, data)])];
    }

    [Fact]
    public async Task AsksForBothFamiliesAndReturnsV4First()
    {
        using var server = new TinyServer(IPAddress.Loopback, 0, Answers);
        var result = await Client(server.Port, servers: "127.0.0.1").LookUpAsync("peer.example.");
        Assert.Null(result.Error);
        Assert.Equal(["192.0.2.9", "2001:db8::9"], result.Addresses.Select(a => a.ToString()));
        Assert.Equal(2, result.Total);
        Assert.Equal([DnsWire.TypeA, DnsWire.TypeAaaa], server.Questions.Order());
    }

    [Fact]
    public async Task NoSuchDomainIsReportedAsAdnsDoes()
    {
        using var server = new TinyServer(IPAddress.Loopback, 0, Answers);
        var result = await Client(server.Port, servers: "127.0.0.1").LookUpAsync("other.example");
        Assert.Empty(result.Addresses);
        Assert.Equal("No such domain", result.Error);
    }

    [Fact]
    public async Task JunkAndWrongIdsAreIgnoredUntilTheRealAnswer()
    {
        using var server = new TinyServer(IPAddress.Loopback, 0, (id, name, type) =>
        [
            [1, 2, 3],
            DnsWireTests.Reply((ushort)(id ^ 1), name, type, answers: [DnsWireTests.Record(type, type == DnsWire.TypeA ? [6, 6, 6, 6] : new byte[16])]),
            DnsWireTests.Reply(id, "evil.example", type),
            .. Answers(id, name, type),
        ]);
        var result = await Client(server.Port, servers: "127.0.0.1").LookUpAsync("peer.example");
        Assert.Equal(["192.0.2.9", "2001:db8::9"], result.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public async Task ASilentServerTimesOutAfterTheBoundedRetries()
    {
        using var server = new TinyServer(IPAddress.Loopback, 0, null);
        var started = DateTime.UtcNow;
        var result = await Client(server.Port, retryMs: 200, maxSends: 3, "127.0.0.1").LookUpAsync("peer.example");
        var elapsed = DateTime.UtcNow - started;
        Assert.Equal("DNS query timed out", result.Error);
        Assert.InRange(elapsed.TotalMilliseconds, 550, 3000);
        Assert.Equal(6, server.Questions.Count); // 3 sends for each of A and AAAA
    }

    [Fact]
    public async Task TheNextServerIsAskedWhenOneIsSilent()
    {
        using var silent = new TinyServer(IPAddress.Loopback, 0, null);
        using var answering = new TinyServer(IPAddress.Parse("127.0.0.2"), silent.Port, Answers);
        var result = await Client(silent.Port, retryMs: 200, maxSends: 4, "127.0.0.1", "127.0.0.2").LookUpAsync("peer.example");
        Assert.Null(result.Error);
        Assert.Equal(2, result.Addresses.Count);
        Assert.Equal(2, silent.Questions.Count);
        Assert.Equal(2, answering.Questions.Count);
    }
}
