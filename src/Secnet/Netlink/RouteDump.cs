using System.Globalization;
using System.Text;
using Secnet.Log;

namespace Secnet.Netlink;

/// <summary>The routing table text of §9, one log line per physical line.</summary>
internal static class RouteDump
{
    public static IReadOnlyList<string> Lines(NetlinkDevice device)
    {
        var options = device.Options;
        var lines = new List<string>();
        if (options.IsPointToPoint)
        {
            var routes = device.Clients.Count > 0 ? Cidrs(device.Clients[0].Subnets) : "";
            lines.Add($"{device.Name}: point-to-point (remote end is {Ipv4Address.Format(options.RemoteAddress)}); routes: {routes}");
            if (options.Ipv6Enabled)
            {
                var routes6 = device.Clients.Count > 0 ? device.Clients[0].Routes6.ToDisplayString() : "";
                lines.Add($"{device.Name}: IPv6 point-to-point (remote end is {Ipv6Address.Format(options.RemoteAddress6)}); routes6: {routes6}");
            }
            return lines;
        }
        lines.Add($"{device.Name}: routing table:");
        foreach (var c in device.RoutingTable)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{Cidrs(c.Subnets)}-> tunnel {c.Name} ({(c.IsUp ? "up" : "down")},mtu {c.Mtu},{(c.IsSoft ? "soft" : "hard")} routes,{(c.AllowsRouting ? "free" : "restricted")},quality {(int)c.Quality},use {c.UseCount},pri {c.Priority})"));
        }
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"{Ipv4Address.Format(options.RemoteAddress)}/32 -> netlink \"{device.Name}\" (use {device.Counters.LocalCount})"));
        var hostNets = options.Networks.ToSubnets();
        if (hostNets.Count > 0)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Cidrs(hostNets)}-> host (use {device.Counters.HostCount})"));
        if (!options.Ipv6Enabled) return lines;
        // Our addition: the IPv6 table after 0.6.7's IPv4 one (longest prefix wins, see README).
        lines.Add($"{device.Name}: IPv6 routing table:");
        foreach (var c in device.RoutingTable)
        {
            if (c.Routes6.IsEmpty) continue;
            lines.Add($"{c.Routes6.ToDisplayString()}-> tunnel {c.Name}");
        }
        lines.Add($"{Ipv6Address.Format(options.RemoteAddress6)}/128 -> netlink \"{device.Name}\"");
        if (!options.Networks6.IsEmpty) lines.Add($"{options.Networks6.ToDisplayString()}-> host");
        return lines;
    }

    public static void Write(NetlinkDevice device, LogClass cls)
    {
        if (!device.Log.IsEnabled(cls)) return;
        foreach (var line in Lines(device)) device.Log.Log(cls, line);
    }

    private static string Cidrs(IReadOnlyList<Subnet> subnets)
    {
        var sb = new StringBuilder();
        foreach (var s in subnets) sb.Append(s.ToString()).Append(' ');
        return sb.ToString();
    }
}
