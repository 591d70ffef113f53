using System.Net;
using System.Net.Sockets;
using Secnet.Crypto;

namespace Secnet.Comm;

/// <summary>
/// Looks names up (A and AAAA, as adns' "addr" query) by asking the name servers of an
/// <see cref="AdnsConfig"/> directly over UDP, as adns does with a config text.
/// Why our own rather than a library: DnsClient (the well-kept NuGet choice) is a general client
/// with its own server discovery, caching, TCP fallback and option model, and is not marked
/// AOT/trim-compatible; what secnet needs is a few A/AAAA questions with adns' search and retry
/// rules, small enough to check line by line against untrusted input.
/// Retry rule (adns' defaults): each question is sent to one server at a time, moving to the next
/// server every <see cref="RetryMs"/> without an answer, at most <see cref="MaxSends"/> sends
/// (30 s); no TCP, so a truncated reply is a failure.
/// </summary>
public sealed class DnsUdpClient(AdnsConfig config)
{
    public int RetryMs { get; init; } = 2000;
    public int MaxSends { get; init; } = 15;
    /// <summary>The servers' port: 53; tests use an unprivileged one.</summary>
    public int Port { get; init; } = 53;
    /// <summary>Lookups in flight at once; sites resolve a handful of names, rarely together.</summary>
    private readonly SemaphoreSlim _inFlight = new(8);

    public AdnsConfig Config { get; } = config;

    /// <summary>The addresses for a name (A then AAAA, sorted by the sortlist), or the adns-style
    /// failure text. Never throws for network trouble.</summary>
    public async Task<ResolveResult> LookUpAsync(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var bare = name.EndsWith('.') ? name[..^1] : name;
        if (!DnsWire.IsValidName(bare)) return new ResolveResult([], 0, "Domain name is syntactically invalid");
        await _inFlight.WaitAsync().ConfigureAwait(false);
        try
        {
            // The name as given, never the search list: 0.6.7 does not ask adns to search
            // (observed, tests/e2e/daemon-adns.sh: with "search x.example", "bravo" is asked as
            // "bravo" only).
            var v4 = AskAsync(bare, DnsWire.TypeA);
            var v6 = AskAsync(bare, DnsWire.TypeAaaa);
            var (s4, a4) = await v4.ConfigureAwait(false);
            var (s6, a6) = await v6.ConfigureAwait(false);
            if (a4.Count + a6.Count > 0)
            {
                var all = Config.Sort([.. a4, .. a6]);
                var usable = all.Count > IResolver.MaxAddresses ? all.Take(IResolver.MaxAddresses).ToArray() : all;
                return new ResolveResult(usable, all.Count, null);
            }
            // A real failure of either question says more than the other's "no such data".
            var worse = s4 is AskStatus.NoSuchDomain or AskStatus.NoData ? s6 : s4;
            if (worse is AskStatus.NoData && s4 is AskStatus.NoSuchDomain) worse = s4;
            return new ResolveResult([], 0, Describe(worse));
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private enum AskStatus { Ok, NoSuchDomain, NoData, TimedOut, ServerFailure, Refused, Truncated, NoServer }

    private static string Describe(AskStatus status) => status switch
    {
        AskStatus.NoSuchDomain => "No such domain",
        AskStatus.NoData => "No such data",
        AskStatus.TimedOut => "DNS query timed out",
        AskStatus.Refused => "Query refused by nameserver",
        AskStatus.Truncated => "Reply truncated and TCP not used",
        AskStatus.NoServer => "No usable nameserver",
        _ => "Nameserver reports failure",
    };

    private async Task<(AskStatus, List<IPAddress>)> AskAsync(string name, ushort type)
    {
        var addresses = new List<IPAddress>();
        var query = new byte[DnsWire.MaxMessage];
        var reply = new byte[DnsWire.MaxMessage + 1];
        var servers = Config.Nameservers;
        AskStatus last = AskStatus.NoServer;
        for (int send = 0; send < MaxSends; send++)
        {
            var server = servers[send % servers.Count];
            ushort id = SystemRandom.UInt16();
            int length = DnsWire.WriteQuery(query, id, name, type);
            using var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                // Connected: the kernel drops datagrams from anyone but the server's port.
                await socket.ConnectAsync(new IPEndPoint(server, Port)).ConfigureAwait(false);
                await socket.SendAsync(query.AsMemory(0, length)).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                last = AskStatus.NoServer;
                await Task.Delay(RetryMs).ConfigureAwait(false); // unreachable now: the next server, later
                continue;
            }
            using var window = new CancellationTokenSource(RetryMs);
            while (true)
            {
                int got;
                try
                {
                    got = await socket.ReceiveAsync(reply.AsMemory(), window.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    last = AskStatus.TimedOut;
                    break;
                }
                catch (SocketException)
                {
                    // e.g. ICMP port unreachable reported on the connected socket: wait out the window
                    // as adns would, then try the next server.
                    try { await Task.Delay(Timeout.Infinite, window.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                    last = AskStatus.TimedOut;
                    break;
                }
                if (got > DnsWire.MaxMessage) continue; // we asked without EDNS: not a reply of ours
                addresses.Clear();
                switch (DnsWire.ReadAnswer(reply.AsSpan(0, got), id, name, type, addresses))
                {
                    case DnsAnswerStatus.Ignore: continue;
                    case DnsAnswerStatus.Ok: return (AskStatus.Ok, addresses);
                    case DnsAnswerStatus.NoSuchDomain: return (AskStatus.NoSuchDomain, addresses);
                    case DnsAnswerStatus.NoData: return (AskStatus.NoData, addresses);
                    case DnsAnswerStatus.Truncated: return (AskStatus.Truncated, addresses);
                    case DnsAnswerStatus.Refused: last = AskStatus.Refused; break;
                    default: last = AskStatus.ServerFailure; break;
                }
                break; // a failing server: ask the next one
            }
        }
        addresses.Clear();
        return (last, addresses);
    }
}
