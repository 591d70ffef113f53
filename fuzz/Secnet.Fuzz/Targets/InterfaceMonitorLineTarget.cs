using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Secnet.Comm;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The interface monitor's lines. A parsed line must say what its first two characters say, name
/// the interface between the first two spaces and carry an address of the announced family; a
/// refused one gets secnet's warning quoting the line. IPv4 literals must be accepted exactly
/// when a regular expression of inet_pton's dotted quad accepts them.
/// </summary>
internal sealed partial class InterfaceMonitorLineTarget : IFuzzTarget
{
    private const string Prefix = "error processing polypath state change: ";

    public string Name => "monitor-line";

    [GeneratedRegex(@"\A(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\z", RegexOptions.CultureInvariant)]
    private static partial Regex DottedQuad();

    public void Run(ReadOnlySpan<byte> input)
    {
        foreach (var line in Encoding.UTF8.GetString(input).Split('\n'))
        {
            if (InterfaceMonitorLine.TryParse(line, out var change, out var warning))
            {
                FuzzInvariantException.Check(change is not null && warning is null, "parsed: a change and no warning");
                FuzzInvariantException.Check(change!.Add == (line[0] == '+') && change.Line == line, "add/remove");
                var family = line[1] == '4' ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
                FuzzInvariantException.Check(change.Address.AddressFamily == family, "address family");
                FuzzInvariantException.Check(!change.InterfaceName.Contains(' ', StringComparison.Ordinal), "interface name has no space");
                FuzzInvariantException.Check(line.EndsWith(" " + change.InterfaceName + " " + change.AddressText, StringComparison.Ordinal), "fields come from the line");
            }
            else
            {
                FuzzInvariantException.Check(change is null && warning is not null && warning.StartsWith(Prefix, StringComparison.Ordinal)
                    && warning.Contains(line, StringComparison.Ordinal), "refused: secnet's warning quoting the line");
            }
            if (!line.Contains(':', StringComparison.Ordinal))
            {
                bool ours = InterfaceMonitorLine.TryParseAddressLiteral(line, out var address);
                bool reference = DottedQuad().IsMatch(line) && line.Split('.').All(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) <= 255);
                FuzzInvariantException.Check(ours == reference, $"IPv4 literal verdict for '{line}'");
                FuzzInvariantException.Check(!ours || address.ToString() == line, "IPv4 literal value");
            }
        }
    }
}
