using Secnet.Transforms;
using SiteT = Secnet.Sites.Site;

namespace Secnet.Tests.Sites;

/// <summary>
/// Issue 16, item 5: a key's 32-bit sequence numbers (its EAX nonces and CBC IVs) must never come
/// round again. Half-way through them the site asks for a new key; near the end it drops what it
/// would send until the new key comes, and counts it.
/// </summary>
public sealed class SequenceBudgetTests
{
    private static FakeTransform.Instance CurrentTransform(SiteT site) =>
        (FakeTransform.Instance)site.Keys.Current!.Transform;

    [Fact]
    public void HalfTheSequenceNumbersUsedStartsAKeyExchange()
    {
        var p = new SitePair();
        p.EstablishKey();
        var first = p.Alpha.Keys.Current;
        CurrentTransform(p.Alpha).UseSequences(SequenceBudget.Renegotiate);

        p.SendFrom(p.Alpha, [4, 5, 6]);
        p.Clock.Advance(100);

        Assert.True(p.AlphaLog.Has("initiating key exchange (sequence numbers of the current key running out)"));
        Assert.NotSame(first, p.Alpha.Keys.Current);
        Assert.Equal([4, 5, 6], p.BravoLink.Delivered[^1]);
        Assert.Equal(0, p.Alpha.Counters.SequencesExhausted);
    }

    [Fact]
    public void AKeyNearlyOutOfSequenceNumbersSealsNothingMoreUntilTheNewKey()
    {
        var p = new SitePair();
        p.EstablishKey();
        int delivered = p.BravoLink.Delivered.Count;
        CurrentTransform(p.Alpha).UseSequences(SequenceBudget.Refuse);

        p.SendFrom(p.Alpha, [7, 7, 7]);

        Assert.Equal(1, p.Alpha.Counters.SequencesExhausted);
        Assert.Equal(delivered, p.BravoLink.Delivered.Count);

        p.Clock.Advance(100);
        Assert.True(p.AlphaLog.Has("current key has sealed nearly 2^32 packets"));
        // A fresh key: only the exchange's own confirmation message used a sequence number.
        Assert.True(p.Alpha.Keys.Current!.Transform.SequencesUsed < 4);
        p.SendFrom(p.Alpha, [8, 8, 8]);
        p.Clock.Advance(100);
        Assert.Equal([8, 8, 8], p.BravoLink.Delivered[^1]);
    }
}
