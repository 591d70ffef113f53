using System.Net;
using System.Net.Sockets;

namespace Secnet.Comm;

/// <summary>
/// The text of <c>adns { config "..."; }</c>: resolv.conf syntax that 0.6.7 hands to adns instead
/// of /etc/resolv.conf (runtime.md §9). We honour what changes which servers are asked and the
/// order of the answers: <c>nameserver</c> (adns' limit of 5), <c>clearnameservers</c> and
/// <c>sortlist</c>; as adns does, a text without a nameserver means the server on this host
/// (127.0.0.1). <c>search</c>, <c>domain</c> and <c>options ndots:N</c> are checked and kept but
/// change nothing, exactly as under 0.6.7, which never asks adns to search (observed:
/// tests/e2e/daemon-adns.sh). Whatever else adns would act on
/// (<c>include</c>, <c>lwserver</c>, <c>options debug</c>, <c>adns_checkc:</c>, ...) and anything
/// adns itself would ignore is refused with the line, so a configuration never silently means
/// something else here than it did under 0.6.7.
/// </summary>
public sealed record AdnsConfig(IReadOnlyList<IPAddress> Nameservers, IReadOnlyList<string> Search, int Ndots,
    IReadOnlyList<(IPAddress Network, int PrefixLength)> Sortlist)
{
    public const int MaxNameservers = 5;
    public const int MaxSortlist = 15;
    /// <summary>resolv.conf's bound on search domains; a longer list is a mistake, not a wish.</summary>
    public const int MaxSearch = 6;
    public const int MaxNdots = 15;

    /// <summary>Parses the text; on failure returns null and the reason, naming the text's line.</summary>
    public static AdnsConfig? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var servers = new List<IPAddress>();
        var search = new List<string>();
        var sortlist = new List<(IPAddress, int)>();
        int ndots = 1;
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var hash = line.IndexOfAny(['#', ';']);
            if (hash >= 0) line = line[..hash];
            var words = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            string? problem = words[0] switch
            {
                "nameserver" => Nameserver(words, servers),
                "clearnameservers" => words.Length == 1 ? Clear(servers) : "takes no arguments",
                "search" => Domains(words, search),
                "domain" => words.Length == 2 ? Domains(words, search) : "needs exactly one domain",
                "sortlist" => ParseSortlist(words, sortlist),
                "options" => Options(words, ref ndots),
                _ => $"`{words[0]}' is not supported by this implementation",
            };
            if (problem is not null)
            {
                error = $"adns config line {n + 1}: {words[0]}: {problem}";
                return null;
            }
        }
        if (servers.Count == 0) servers.Add(IPAddress.Loopback);
        error = null;
        return new AdnsConfig(servers, search, ndots, sortlist);
    }

    private static string? Clear(List<IPAddress> servers)
    {
        servers.Clear();
        return null;
    }

    private static string? Nameserver(string[] words, List<IPAddress> servers)
    {
        if (words.Length != 2) return "needs exactly one address";
        if (!InterfaceMonitorLine.TryParseAddressLiteral(words[1], out var address)) return $"invalid address `{words[1]}'";
        if (servers.Count >= MaxNameservers) return $"more than {MaxNameservers} name servers";
        servers.Add(address);
        return null;
    }

    private static string? Domains(string[] words, List<string> search)
    {
        if (words.Length < 2) return "needs a domain";
        // Each search/domain line replaces the list, as in resolv.conf.
        search.Clear();
        for (int i = 1; i < words.Length; i++)
        {
            var domain = words[i].TrimEnd('.');
            if (!DnsWire.IsValidName(domain)) return $"invalid domain `{words[i]}'";
            if (search.Count >= MaxSearch) return $"more than {MaxSearch} domains";
            search.Add(domain);
        }
        return null;
    }

    private static string? ParseSortlist(string[] words, List<(IPAddress, int)> sortlist)
    {
        sortlist.Clear();
        for (int i = 1; i < words.Length; i++)
        {
            var parts = words[i].Split('/');
            if (parts.Length > 2 || !InterfaceMonitorLine.TryParseAddressLiteral(parts[0], out var network))
                return $"invalid entry `{words[i]}'";
            int bits = network.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
            int prefix = bits;
            if (parts.Length == 2)
            {
                // A netmask in dotted form, as resolv.conf allows, or a prefix length.
                if (InterfaceMonitorLine.TryParseAddressLiteral(parts[1], out var mask) && mask.AddressFamily == network.AddressFamily)
                {
                    if (!TryPrefixOfMask(mask.GetAddressBytes(), out prefix)) return $"netmask of `{words[i]}' is not contiguous";
                }
                else if (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bits)
                    return $"invalid entry `{words[i]}'";
            }
            if (sortlist.Count >= MaxSortlist) return $"more than {MaxSortlist} entries";
            sortlist.Add((network, prefix));
        }
        return null;
    }

    private static bool TryPrefixOfMask(byte[] mask, out int prefix)
    {
        prefix = 0;
        bool ended = false;
        foreach (var b in mask)
            for (int bit = 7; bit >= 0; bit--)
            {
                bool set = (b >> bit & 1) != 0;
                if (set && ended) return false;
                if (set) prefix++;
                else ended = true;
            }
        return true;
    }

    private static string? Options(string[] words, ref int ndots)
    {
        for (int i = 1; i < words.Length; i++)
        {
            var option = words[i];
            if (option.StartsWith("ndots:", StringComparison.Ordinal)
                && int.TryParse(option.AsSpan(6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value))
            {
                ndots = Math.Min(value, MaxNdots);
                continue;
            }
            return $"option `{option}' is not supported by this implementation";
        }
        return null;
    }

    /// <summary>adns' sortlist order: addresses in earlier entries first, unlisted ones last,
    /// otherwise the answer's order (a stable sort).</summary>
    public IReadOnlyList<IPAddress> Sort(IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (Sortlist.Count == 0) return addresses;
        var keyed = new List<(int Rank, int Index, IPAddress Address)>(addresses.Count);
        for (int i = 0; i < addresses.Count; i++) keyed.Add((Rank(addresses[i]), i, addresses[i]));
        keyed.Sort((a, b) => a.Rank != b.Rank ? a.Rank.CompareTo(b.Rank) : a.Index.CompareTo(b.Index));
        var result = new IPAddress[keyed.Count];
        for (int i = 0; i < result.Length; i++) result[i] = keyed[i].Address;
        return result;
    }

    private int Rank(IPAddress address)
    {
        for (int i = 0; i < Sortlist.Count; i++)
            if (InNetwork(address, Sortlist[i].Network, Sortlist[i].PrefixLength)) return i;
        return Sortlist.Count;
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily) return false;
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (int bit = 0; bit < prefix; bit++)
            if ((((a[bit / 8] ^ n[bit / 8]) >> (7 - bit % 8)) & 1) != 0) return false;
        return true;
    }
}
