namespace Secnet.Tests.Sites;

/// <summary>
/// Issue 16, item 6: a replaced key is erased when the last thread that could be using it lets go
/// of its snapshot, not on a 2-second timer (which erased keys a slow worker might still hold, and
/// kept every expired key readable for two more seconds).
/// </summary>
public sealed class KeyLifetimeTests
{
    [Fact]
    public void AnExpiredKeyNobodyHoldsIsErasedAtOnce()
    {
        var p = new SitePair(alpha: o => o with { KeyLifetimeMs = 60_000 });
        p.EstablishKey();
        var old = p.Alpha.Keys.Current!;
        Assert.False(old.Material.Erased);

        p.Clock.Advance(60_001);

        Assert.Null(p.Alpha.Keys.Current);
        Assert.True(old.Material.Erased);
    }

    [Fact]
    public void AKeyHeldByADataPathThreadOutlivesItsReplacementUntilLetGo()
    {
        var p = new SitePair(alpha: o => o with { KeyLifetimeMs = 60_000 });
        p.EstablishKey();
        var held = p.Alpha.EnterKeys();
        var old = held.Current!;

        p.Clock.Advance(10 * 60_000);

        Assert.Null(p.Alpha.Keys.Current);
        Assert.False(old.Material.Erased);
        Assert.True(old.Transform.IsKeyed);
        held.Exit();
        Assert.True(old.Material.Erased);
    }

    [Fact]
    public void ShutdownErasesEveryKeyAtOnce()
    {
        var p = new SitePair();
        p.EstablishKey();
        var first = p.Alpha.Keys.Current!;
        p.Alpha.Shutdown();

        Assert.True(first.Material.Erased);
        Assert.Same(Secnet.Sites.SiteKeys.Empty, p.Alpha.Keys);
    }
}
