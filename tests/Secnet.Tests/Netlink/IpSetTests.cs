using Secnet.Netlink;

namespace Secnet.Tests.Netlink;

public class IpSetTests
{
    [Fact]
    public void SubtractionIsAppliedLeftToRight()
    {
        Assert.Equal("172.18.232.0/30 ", IpSet.Parse("172.18.232.0/29", "!172.18.232.4/30").ToDisplayString());
        // Subtracting first and adding later leaves the addition whole.
        Assert.Equal("10.0.0.0/24 ", IpSet.Parse("!10.0.0.0/25", "10.0.0.0/24").ToDisplayString());
    }

    [Fact]
    public void DefaultIsEverything()
    {
        Assert.Equal("0.0.0.0/0 ", IpSet.Parse("default").ToDisplayString());
        Assert.Equal("0.0.0.0/0 ", IpSet.All.ToDisplayString());
    }

    [Fact]
    public void RangesAreEatenFromBothEnds()
    {
        // 10.0.0.1 .. 10.0.0.6: odd low end first, then the high end, then the middle.
        var set = IpSet.Parse("10.0.0.0/29", "!10.0.0.0", "!10.0.0.7");
        Assert.Equal(["10.0.0.1/32", "10.0.0.6/32", "10.0.0.2/31", "10.0.0.4/31"], set.ToSubnets().Select(s => s.ToString()));
        var hole = IpSet.Parse("10.1.0.0/16", "!10.1.9.0/24");
        var blocks = hole.ToSubnets();
        Assert.Equal(hole.Ranges.ToArray(), IpSet.FromSpecs(blocks.Select(b => new SubnetSpec(b, false))).Ranges.ToArray());
        Assert.Equal(8, blocks.Count);
    }

    [Fact]
    public void MembershipAndSubsets()
    {
        var s = IpSet.Parse("192.0.2.0/24", "198.51.100.128/25");
        Assert.True(s.Contains(Ipv4Address.Parse("192.0.2.255")));
        Assert.False(s.Contains(Ipv4Address.Parse("198.51.100.127")));
        Assert.True(IpSet.Parse("198.51.100.200/29").IsSubsetOf(s));
        Assert.False(IpSet.Parse("198.51.100.0/24").IsSubsetOf(s));
        Assert.True(IpSet.Empty.IsSubsetOf(IpSet.Empty));
        Assert.Equal(s.Ranges.ToArray(), s.Complement().Complement().Ranges.ToArray());
    }

    [Theory]
    [InlineData("10.1.0.1/16", "\"10.1.0.1/16\": prefix not fully contained in mask")]
    [InlineData("172.18.232.1/28", "\"172.18.232.1/28\": prefix not fully contained in mask")]
    [InlineData("10.1.0", "\"10.1.0\" is not a valid subnet specification")]
    [InlineData("!bogus", "\"bogus\" is not a valid subnet specification")]
    [InlineData("10.256.0.0/16", "\"10.256.0.0/16\": range error")]
    [InlineData("10.0.0.0/33", "\"10.0.0.0/33\": range error")]
    [InlineData("-1.0.0.0", "\"-1.0.0.0\": range error")]
    public void SubnetErrorsUseSecnetsTexts(string text, string error)
    {
        Assert.False(SubnetSpec.TryParse(text, out _, out var e));
        Assert.Equal(error, e);
    }

    [Theory]
    [InlineData("10.0.0.0/8junk", "10.0.0.0/8")]
    [InlineData(" 10. 2.3.4", "10.2.3.4/32")]
    [InlineData("10.2.3.4/", "10.2.3.4/32")]
    public void ParsingIsAsLenientAsScanf(string text, string subnet)
    {
        Assert.True(SubnetSpec.TryParse(text, out var spec, out _));
        Assert.Equal(subnet, spec.Subnet.ToString());
    }

    [Theory]
    [InlineData("1.2.3", "\"1.2.3\" is not a valid IP address")]
    [InlineData("1.2.3.300", "\"1.2.3.300\": range error")]
    public void AddressErrorsUseSecnetsTexts(string text, string error)
    {
        Assert.False(Ipv4Address.TryParse(text, out _, out var e));
        Assert.Equal(error, e);
    }
}
