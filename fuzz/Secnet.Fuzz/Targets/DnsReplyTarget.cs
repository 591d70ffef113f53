using System.Net;
using System.Net.Sockets;
using System.Text;
using Secnet.Comm;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// Name server replies as the adns-config resolver reads them (<c>Comm/DnsWire</c>), and the
/// config text itself (<c>Comm/AdnsConfig</c>). A reply is only believed when its id and question
/// are ours; a believed answer has addresses of the asked family only; a config text either
/// parses within adns' bounds or is refused naming its line.
/// </summary>
internal sealed class DnsReplyTarget : IFuzzTarget
{
    private const string Name_ = "peer.example";

    public string Name => "dns-reply";

    public void Run(ReadOnlySpan<byte> input)
    {
        // The fuzzer picks the id it "answers": the first two bytes, as in a real reply.
        ushort id = input.Length >= 2 ? (ushort)(input[0] << 8 | input[1]) : (ushort)0;
        var query = new byte[DnsWire.MaxMessage];
        foreach (var type in new[] { DnsWire.TypeA, DnsWire.TypeAaaa })
        {
            int questionEnd = DnsWire.WriteQuery(query, id, Name_, type);
            var addresses = new List<IPAddress>();
            var status = DnsWire.ReadAnswer(input, id, Name_, type, addresses);
            if (status == DnsAnswerStatus.Ignore) continue;
            FuzzInvariantException.Check(input.Length >= questionEnd && (input[2] & 0x80) != 0, "believed: a reply");
            FuzzInvariantException.Check(Ascii.EqualsIgnoreCase(input[12..questionEnd], query.AsSpan(12, questionEnd - 12)), "believed: our question");
            var family = type == DnsWire.TypeA ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            FuzzInvariantException.Check(status != DnsAnswerStatus.Ok || addresses.Count > 0, "an answer has addresses");
            foreach (var a in addresses) FuzzInvariantException.Check(a.AddressFamily == family, "address of the asked family");
        }

        var text = Encoding.UTF8.GetString(input);
        var config = AdnsConfig.Parse(text, out var error);
        if (config is null)
        {
            FuzzInvariantException.Check(error is not null && error.StartsWith("adns config line ", StringComparison.Ordinal), "refusal names its line");
            return;
        }
        FuzzInvariantException.Check(config.Nameservers.Count is >= 1 and <= AdnsConfig.MaxNameservers, "1..5 name servers");
        FuzzInvariantException.Check(config.Search.Count <= AdnsConfig.MaxSearch && config.Search.All(DnsWire.IsValidName), "search domains valid");
        FuzzInvariantException.Check(config.Sortlist.Count <= AdnsConfig.MaxSortlist, "sortlist bound");
        var sorted = config.Sort(config.Nameservers);
        FuzzInvariantException.Check(sorted.Count == config.Nameservers.Count, "sorting keeps every address");
    }
}
