using Secnet.Comm;
using Secnet.Config;

namespace Secnet.Tests.Comm;

public class PolypathPatternTests
{
    private static readonly Location Where = new("test.conf", 7);

    [Theory]
    // No list: !lo, then !tun* !tap* !sl* !userv* @hippo* *.
    [InlineData(null, false, "eth0", InterfaceWant.General)]
    [InlineData(null, false, "lo", InterfaceWant.Exclude)]
    [InlineData(null, true, "lo", InterfaceWant.General)]
    [InlineData(null, false, "lo0", InterfaceWant.General)]
    [InlineData(null, false, "tun0", InterfaceWant.Exclude)]
    [InlineData(null, false, "tap3", InterfaceWant.Exclude)]
    [InlineData(null, false, "sl0", InterfaceWant.Exclude)]
    [InlineData(null, false, "userv7", InterfaceWant.Exclude)]
    [InlineData(null, false, "hippo1", InterfaceWant.Dedicated)]
    // First match decides.
    [InlineData("eth*,!eth1", false, "eth1", InterfaceWant.General)]
    [InlineData("!eth1,eth*", false, "eth1", InterfaceWant.Exclude)]
    [InlineData("!eth1,eth*", false, "eth0", InterfaceWant.General)]
    [InlineData("@wl*", false, "wlan0", InterfaceWant.Dedicated)]
    [InlineData("+tun0", false, "tun0", InterfaceWant.General)]
    // A list ending in a positive pattern excludes everything it does not match.
    [InlineData("eth0", false, "eth1", InterfaceWant.Exclude)]
    [InlineData("@hip*", false, "wlan0", InterfaceWant.Exclude)]
    // A list ending in a negative pattern falls through to the defaults.
    [InlineData("!eth0", false, "eth1", InterfaceWant.General)]
    [InlineData("!eth0", false, "tun1", InterfaceWant.Exclude)]
    [InlineData("!eth0", false, "lo", InterfaceWant.Exclude)]
    [InlineData("!eth0", true, "lo", InterfaceWant.General)]
    // fnmatch with no flags: classes, ?, escapes.
    [InlineData("eth[0-2],!*", false, "eth2", InterfaceWant.General)]
    [InlineData("eth[0-2],!*", false, "eth3", InterfaceWant.Exclude)]
    [InlineData("wl?n0,!*", false, "wlan0", InterfaceWant.General)]
    [InlineData("!a\\*b", false, "a*b", InterfaceWant.Exclude)]
    [InlineData("!a\\*b", false, "axb", InterfaceWant.General)]
    public void FirstMatchingPatternDecides(string? list, bool permitLoopback, string name, InterfaceWant expected)
    {
        var patterns = list?.Split(',');
        Assert.Equal(expected, new InterfacePatternList(patterns, permitLoopback, Where).Decide(name));
    }

    [Theory]
    [InlineData("-eth0")]
    [InlineData(".x")]
    [InlineData("")]
    [InlineData("[ab]")]
    public void InvalidPatternIsAConfigError(string pattern)
    {
        var e = Assert.Throws<ConfigException>(() => InterfacePatternList.Validate(["!eth0", pattern], Where));
        Assert.Equal($"config error (polypath, test.conf:7): invalid interface name pattern `{pattern}'", e.Message);
    }

    [Fact]
    public void ValidationStopsAtThePatternMatchingSpaceAsSecnetDoes()
    {
        // secnet checks by looking up the name " ": a pattern after one matching it is not reached.
        InterfacePatternList.Validate(["*", "-late"], Where);
        var list = new InterfacePatternList(["eth0", "-late"], false, Where);
        Assert.Equal(InterfaceWant.General, list.Decide("eth0"));
        Assert.Throws<ConfigException>(() => list.Decide("wlan0"));
    }

    [Theory]
    [InlineData("!x", InterfaceWant.Exclude, "x")]
    [InlineData("+x*", InterfaceWant.General, "x*")]
    [InlineData("@x", InterfaceWant.Dedicated, "x")]
    [InlineData("*", InterfaceWant.General, "*")]
    [InlineData("9", InterfaceWant.General, "9")]
    [InlineData("!", InterfaceWant.Exclude, "")]
    public void PrefixesParse(string text, InterfaceWant want, string glob)
    {
        Assert.True(InterfacePattern.TryParse(text, out var p));
        Assert.Equal(new InterfacePattern(want, glob), p);
    }
}
