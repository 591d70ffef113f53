using Secnet.Sites;

namespace Secnet.Tests.Sites;

/// <summary>What a site logs, and what it does not pay for when an event is not logged.</summary>
public class SiteLogTests
{
    private int _evaluated;

    private string Counted(string s)
    {
        _evaluated++;
        return s;
    }

    [Fact]
    public void InterpolatedTextIsBuiltOnlyForEventsThatAreLogged()
    {
        var sink = new ListLog();
        var log = new SiteLog(sink, SiteLogEvents.Default, "hub", "spoke1");
        log.Write(SiteLogEvents.StateChange, $"entering state {Counted("RUN")}");   // not in default
        log.Write(SiteLogEvents.SetupInit, $"initiating key exchange ({Counted("keepalive")})");
        Assert.Equal(1, _evaluated);
        Assert.Equal(["Info: hub<->spoke1: initiating key exchange (keepalive)"], sink.Lines);
    }
}
