namespace Secnet.Netlink;

/// <summary>An IPv4 prefix: network address (host byte order) and prefix length 0..32.</summary>
public readonly record struct Subnet(uint Network, int PrefixLength)
{
    public uint Mask => PrefixLength == 0 ? 0u : uint.MaxValue << (32 - PrefixLength);

    public uint LastAddress => Network | ~Mask;

    public bool Contains(uint address) => (address & Mask) == Network;

    public override string ToString() => Ipv4Address.Format(Network) + "/" + PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
