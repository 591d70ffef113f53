using System.Net;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

public class PolypathMonitorLineTests
{
    [Theory]
    [InlineData("+4 eth0 192.0.2.5", true, "eth0", "192.0.2.5")]
    [InlineData("-6 eth0 2001:db8::1", false, "eth0", "2001:db8::1")]
    [InlineData("+4x vA 10.99.0.1", true, "vA", "10.99.0.1")]
    [InlineData("+4  198.51.100.1", true, "", "198.51.100.1")]
    public void GoodLines(string line, bool add, string name, string address)
    {
        Assert.True(InterfaceMonitorLine.TryParse(line, out var change, out var warning));
        Assert.Null(warning);
        Assert.Equal(add, change!.Add);
        Assert.Equal(name, change.InterfaceName);
        Assert.Equal(IPAddress.Parse(address), change.Address);
        Assert.Equal(address, change.AddressText);
    }

    [Theory]
    [InlineData("", "bad +/-")]
    [InlineData("*4 eth0 192.0.2.1", "bad +/-")]
    [InlineData("+", "bad proto")]
    [InlineData("+5 eth0 192.0.2.1", "bad proto")]
    [InlineData("+4", "no first space")]
    [InlineData("+4eth0", "no first space")]
    [InlineData("+4 eth0", "no second space")]
    [InlineData("+4 eth0 2001:db8::1", "address family mismatch")]
    [InlineData("-6 eth0 192.0.2.1", "address family mismatch")]
    public void BadLinesGiveSecnetsWarning(string line, string problem)
    {
        Assert.False(InterfaceMonitorLine.TryParse(line, out var change, out var warning));
        Assert.Null(change);
        Assert.Equal($"error processing polypath state change: {problem} (while processing `{line}')", warning);
    }

    [Theory]
    [InlineData("+4 eth0 300.1.1.1")]
    [InlineData("+4 eth0 192.0.2")]
    [InlineData("+4 eth0 192.0.2.01")]
    [InlineData("+4 eth0 192.0.2.1 extra")]
    [InlineData("+6 eth0 [2001:db8::1]")]
    [InlineData("+4 eth0 ")]
    [InlineData("+4 eth0 host.example")]
    public void UnparsableAddressesGiveTheAdnsWarning(string line)
    {
        Assert.False(InterfaceMonitorLine.TryParse(line, out _, out var warning));
        Assert.Equal($"error processing polypath state change: adns_text2addr (while processing `{line}'): Invalid argument", warning);
    }

    [Theory]
    [InlineData("0.0.0.0", false, "IPv4 address is any/unspecified")]
    [InlineData("255.255.255.255", false, "IPv4 address is all hosts broadcast")]
    [InlineData("169.254.3.4", false, "IPv4 address is link local")]
    [InlineData("224.0.0.1", false, "IPv4 address is multicast")]
    [InlineData("239.255.255.255", false, "IPv4 address is multicast")]
    [InlineData("192.0.0.8", false, "IPv4 address is in IETF protocol block (RFC6890)")]
    [InlineData("240.0.0.1", false, "IPv4 address is in reserved addressing block (RFC1112)")]
    [InlineData("127.0.0.1", false, "IPv4 address is loopback")]
    [InlineData("127.0.0.1", true, null)]
    [InlineData("192.0.2.1", false, null)]
    [InlineData("198.51.100.1", false, null)]
    [InlineData("10.1.2.3", false, null)]
    [InlineData("::", false, "IPv6 address is unspecified")]
    [InlineData("ff02::1", false, "IPv6 address is multicast")]
    [InlineData("fe80::1", false, "IPv6 address is link local")]
    [InlineData("fec0::1", false, "IPv6 address is site local")]
    [InlineData("::ffff:192.0.2.1", false, "IPv6 address is v4-mapped")]
    [InlineData("::1", false, "IPv6 address is loopback")]
    [InlineData("::1", true, null)]
    [InlineData("100::1", false, "IPv6 address is Discard-Only (RFC6666)")]
    [InlineData("2001::1", false, "IPv6 address is in IETF protocol block (RFC2928)")]
    [InlineData("2001:1ff::1", false, "IPv6 address is in IETF protocol block (RFC2928)")]
    [InlineData("2001:200::1", false, null)]
    [InlineData("2001:db8::1", false, null)]
    [InlineData("fd00::1", false, "IPv6 address is Uniqe Local unicast (RFC4193)")]
    [InlineData("fc00::1", false, "IPv6 address is Uniqe Local unicast (RFC4193)")]
    public void AddressFilter(string address, bool permitLoopback, string? reason)
    {
        Assert.Equal(reason, PolypathAddressFilter.Reason(IPAddress.Parse(address), permitLoopback));
    }
}
