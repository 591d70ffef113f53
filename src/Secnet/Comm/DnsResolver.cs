using System.Net;
using System.Net.Sockets;
using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Comm;

/// <summary>
/// The <c>adns</c> resolver (runtime.md §9): <c>[literal]</c>s answer at once, names go to the
/// system resolver asynchronously, or, when the closure has a <c>config</c> text, straight to the
/// name servers it names (<see cref="DnsUdpClient"/>), as adns does; answers are delivered on the
/// scheduler's owner thread.
/// </summary>
public sealed class DnsResolver(Func<IScheduler> scheduler, ILog log, DnsUdpClient? client = null) : IResolver
{
    public DnsResolver(IScheduler scheduler, ILog log, DnsUdpClient? client = null) : this(() => scheduler, log, client)
    {
    }

    public void Resolve(string name, Action<ResolveResult> done)
    {
        if (name.Length > 2 && name[0] == '[' && name[^1] == ']')
        {
            var result = IPAddress.TryParse(name[1..^1], out var ip) && IsStrictLiteral(name[1..^1], ip)
                ? new ResolveResult([ip], 1, null)
                : new ResolveResult([], 0, "invalid address literal: Invalid argument");
            scheduler().Post(() => done(result));
            return;
        }
        if (client is not null) _ = LookUpDirect(client, name, done);
        else _ = LookUp(name, done);
    }

    private async Task LookUpDirect(DnsUdpClient dns, string name, Action<ResolveResult> done)
    {
        var result = await dns.LookUpAsync(name).ConfigureAwait(false);
        scheduler().Post(() => done(result));
    }

    /// <summary>inet_pton accepts only dotted quads for IPv4; IPAddress.TryParse is laxer.</summary>
    private static bool IsStrictLiteral(string text, IPAddress ip) =>
        ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Split('.').Length == 4;

    private async Task LookUp(string name, Action<ResolveResult> done)
    {
        ResolveResult result;
        try
        {
            var all = await Dns.GetHostAddressesAsync(name).ConfigureAwait(false);
            var usable = new List<IPAddress>();
            foreach (var a in all)
                if (a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && usable.Count < IResolver.MaxAddresses)
                    usable.Add(a);
            result = new ResolveResult(usable, all.Length, usable.Count == 0 ? "No such domain" : null);
        }
        catch (SocketException e)
        {
            result = new ResolveResult([], 0, e.Message);
        }
        catch (ArgumentException e)
        {
            log.Log(LogClass.Warning, $"resolver: failed to submit lookup for {name}: {e.Message}");
            result = new ResolveResult([], 0, e.Message);
        }
        scheduler().Post(() => done(result));
    }
}
