using Secnet.Transforms;

namespace Secnet.Tests.Transforms;

public class ReplayWindowTests
{
    [Fact]
    public void FirstPacketCarriesTheInitialNumberAndRepeatsAreDuplicates()
    {
        var w = new ReplayWindow(10, dedupe: true, initial: 100);
        Assert.Equal(TransformResult.Ok, w.Check(100, out var e));
        Assert.Null(e);
        Assert.Equal(TransformResult.SequenceDuplicate, w.Check(100, out e));
        Assert.Equal("seqnum: duplicate", e);
    }

    [Fact]
    public void OldPacketsAcceptedUpToSkewMinusOneBehindOnce()
    {
        var w = new ReplayWindow(10, dedupe: true, initial: 0);
        Assert.Equal(TransformResult.Ok, w.Check(20, out _));
        for (uint back = 1; back < 10; back++)
            Assert.Equal(TransformResult.Ok, w.Check(20 - back, out _));
        Assert.Equal(TransformResult.SequenceRange, w.Check(10, out var e));
        Assert.Equal("seqnum: too much skew", e);
        for (uint back = 1; back < 10; back++)
            Assert.Equal(TransformResult.SequenceDuplicate, w.Check(20 - back, out _));
    }

    [Fact]
    public void ReorderingAfterALongInOrderRunIsAccepted()
    {
        // 0.6.7's shift quirk would report these as duplicates; the intended window accepts them.
        var w = new ReplayWindow(10, dedupe: true, initial: 1000);
        for (uint s = 1000; s < 1040; s++)
            if (s != 1035) Assert.Equal(TransformResult.Ok, w.Check(s, out _));
        Assert.Equal(TransformResult.Ok, w.Check(1035, out _));
        Assert.Equal(TransformResult.SequenceDuplicate, w.Check(1035, out _));
    }

    [Fact]
    public void NewnessUsesSecnetsConstantAndWraps()
    {
        var w = new ReplayWindow(10, dedupe: false, initial: 0xfffffff0);
        Assert.Equal(TransformResult.Ok, w.Check(0x00000005, out _));           // wrapped, 21 ahead
        Assert.Equal(0x00000005u, w.Last);
        Assert.Equal(TransformResult.Ok, w.Check(0x00000005 + 0x8ffffffe, out _)); // just under 0x8fffffff ahead
        var v = new ReplayWindow(10, dedupe: false, initial: 0);
        Assert.Equal(TransformResult.SequenceRange, v.Check(0x8fffffff, out _)); // exactly the constant: "old", far behind
        Assert.Equal(0u, v.Last);
    }

    [Fact]
    public void WithoutDedupeRepeatsPass()
    {
        var w = new ReplayWindow(40, dedupe: false, initial: 7);
        Assert.Equal(TransformResult.Ok, w.Check(7, out _));
        Assert.Equal(TransformResult.Ok, w.Check(7, out _));
        Assert.Equal(TransformResult.Ok, w.Check(unchecked(7u - 39u), out _));
        Assert.Equal(TransformResult.SequenceRange, w.Check(unchecked(7u - 40u), out _));
    }

    [Fact]
    public void DedupeWithWideSkewIsRejected() =>
        Assert.Equal("cannot dedupe with max-sequence-skew>=32",
            Assert.Throws<ArgumentException>(() => new ReplayWindow(32, true, 0)).Message);
}
