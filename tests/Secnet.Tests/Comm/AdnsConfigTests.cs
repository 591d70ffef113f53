using System.Net;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

/// <summary>The <c>adns { config }</c> text (resolv.conf syntax): every directive we honour, and
/// a named, numbered refusal for everything else.</summary>
public class AdnsConfigTests
{
    private static AdnsConfig Good(string text)
    {
        var config = AdnsConfig.Parse(text, out var error);
        Assert.True(config is not null, error);
        return config!;
    }

    [Fact]
    public void EveryDirective()
    {
        var c = Good("# comment\nnameserver 192.0.2.53\n\tnameserver  2001:db8::53 ; trailing\r\nsearch a.example b.example.\n"
            + "sortlist 198.51.100.0/24 203.0.113.0/255.255.255.0 192.0.2.7\noptions ndots:3\n\n");
        Assert.Equal([IPAddress.Parse("192.0.2.53"), IPAddress.Parse("2001:db8::53")], c.Nameservers);
        Assert.Equal(["a.example", "b.example"], c.Search);
        Assert.Equal(3, c.Ndots);
        Assert.Equal([(IPAddress.Parse("198.51.100.0"), 24), (IPAddress.Parse("203.0.113.0"), 24), (IPAddress.Parse("192.0.2.7"), 32)], c.Sortlist);
    }

    [Fact]
    public void DomainReplacesSearchAndClearNameserversEmptiesTheList()
    {
        var c = Good("search a.example\ndomain c.example\nnameserver 192.0.2.1\nclearnameservers\nnameserver 192.0.2.2");
        Assert.Equal(["c.example"], c.Search);
        Assert.Equal([IPAddress.Parse("192.0.2.2")], c.Nameservers);
    }

    [Fact]
    public void WithoutANameserverTheLocalServerIsAsked()
    {
        Assert.Equal([IPAddress.Loopback], Good("").Nameservers);
        Assert.Equal(1, Good("").Ndots);
    }

    [Theory]
    [InlineData("nameserver 192.0.2.300", "adns config line 1: nameserver: invalid address `192.0.2.300'")]
    [InlineData("nameserver", "adns config line 1: nameserver: needs exactly one address")]
    [InlineData("nameserver [192.0.2.1]", "adns config line 1: nameserver: invalid address `[192.0.2.1]'")]
    [InlineData("\nnameserver 1.1.1.1\nnameserver 1.1.1.2\nnameserver 1.1.1.3\nnameserver 1.1.1.4\nnameserver 1.1.1.5\nnameserver 1.1.1.6", "adns config line 7: nameserver: more than 5 name servers")]
    [InlineData("search", "adns config line 1: search: needs a domain")]
    [InlineData("search a..example", "adns config line 1: search: invalid domain `a..example'")]
    [InlineData("domain a.example b.example", "adns config line 1: domain: needs exactly one domain")]
    [InlineData("sortlist 10.0.0.0/8/x", "adns config line 1: sortlist: invalid entry `10.0.0.0/8/x'")]
    [InlineData("sortlist 10.0.0.0/33", "adns config line 1: sortlist: invalid entry `10.0.0.0/33'")]
    [InlineData("sortlist 10.0.0.0/255.0.255.0", "adns config line 1: sortlist: netmask of `10.0.0.0/255.0.255.0' is not contiguous")]
    [InlineData("clearnameservers now", "adns config line 1: clearnameservers: takes no arguments")]
    [InlineData("options debug", "adns config line 1: options: option `debug' is not supported by this implementation")]
    [InlineData("options adns_checkc:entex", "adns config line 1: options: option `adns_checkc:entex' is not supported by this implementation")]
    [InlineData("options ndots:x", "adns config line 1: options: option `ndots:x' is not supported by this implementation")]
    [InlineData("options wombat", "adns config line 1: options: option `wombat' is not supported by this implementation")]
    [InlineData("include /etc/resolv.conf", "adns config line 1: include: `include' is not supported by this implementation")]
    [InlineData("lwserver 127.0.0.1", "adns config line 1: lwserver: `lwserver' is not supported by this implementation")]
    public void Refusals(string text, string expected)
    {
        Assert.Null(AdnsConfig.Parse(text, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void SortlistOrdersAnswersStably()
    {
        var c = Good("sortlist 203.0.113.0/24 2001:db8::/32");
        var sorted = c.Sort([IPAddress.Parse("192.0.2.1"), IPAddress.Parse("2001:db8::1"), IPAddress.Parse("203.0.113.5"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("203.0.113.4")]);
        Assert.Equal(["203.0.113.5", "203.0.113.4", "2001:db8::1", "192.0.2.1", "192.0.2.2"], sorted.Select(a => a.ToString()));
    }
}
