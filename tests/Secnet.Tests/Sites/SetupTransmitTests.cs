namespace Secnet.Tests.Sites;

/// <summary>
/// Issue 16, item 3: a local-mobile site whose setup addresses all fail to send must try each
/// once per transmission and carry on (retries, then WAIT). It used to walk the live address list,
/// which each failure reorders, and spun for ever on the owner thread, where SIGTERM and key
/// expiry are handled too.
/// </summary>
public sealed class SetupTransmitTests
{
    [Fact]
    public void EverySetupAddressFailingTriesEachOnceAndReturns()
    {
        var p = new SitePair(alpha: o => o with { LocalMobile = true, Addresses = ["[10.99.0.2]", "[10.99.0.3]"] });
        p.AlphaComm.FailSends = true;

        var owner = new Thread(() =>
        {
            p.SendFrom(p.Alpha, [1]);
            p.Clock.Advance(100);
        }) { IsBackground = true };
        owner.Start();

        Assert.True(owner.Join(TimeSpan.FromSeconds(10)), "the owner thread is stuck sending the setup packet");
        Assert.Equal(2, p.AlphaComm.FailedSends);
        Assert.Null(p.Alpha.Keys.Current);
    }
}
