using System.Net;

namespace Secnet.Netlink;

/// <summary>The argument vector secnet gives userv for the ipif service (netlink.md §11).</summary>
public static class UservIpifArguments
{
    public const string DefaultUservPath = "userv";
    public const string DefaultServiceUser = "root";
    public const string DefaultServiceName = "ipif";

    /// <summary>[userv-path, service-user, service-name, "local,remote,mtu,slip", "cidr,cidr,..."].
    /// <paramref name="remoteAddress"/> is the secnet-address (router) or ptp-address;
    /// <paramref name="routes"/> are the CIDRs of the clients that are in the kernel at start.</summary>
    public static IReadOnlyList<string> Build(string uservPath, string serviceUser, string serviceName,
        IPAddress localAddress, IPAddress remoteAddress, int mtu, IEnumerable<string> routes) =>
    [
        uservPath,
        serviceUser,
        serviceName,
        $"{localAddress},{remoteAddress},{mtu},slip",
        string.Join(',', routes),
    ];
}
