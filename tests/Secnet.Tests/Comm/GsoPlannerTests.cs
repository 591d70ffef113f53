using Secnet.Comm;

namespace Secnet.Tests.Comm;

public class GsoPlannerTests
{
    private static GsoMessage[] Plan(int[] lengths, int maxSegments = GsoPlanner.MaxSegments, int maxBytes = GsoPlanner.MaxBytes)
    {
        var messages = new GsoMessage[lengths.Length];
        int n = GsoPlanner.Plan(lengths, messages, maxSegments, maxBytes);
        return messages[..n];
    }

    [Fact]
    public void EqualDatagramsBecomeOneMessage()
    {
        Assert.Equal([new GsoMessage(0, 5, 1400)], Plan([1400, 1400, 1400, 1400, 1400]));
    }

    [Fact]
    public void ShorterDatagramEndsTheRunAndJoinsIt()
    {
        Assert.Equal([new GsoMessage(0, 3, 1400), new GsoMessage(3, 2, 1400)],
            Plan([1400, 1400, 900, 1400, 1400]));
    }

    [Fact]
    public void LongerDatagramStartsANewRun()
    {
        Assert.Equal([new GsoMessage(0, 2, 100), new GsoMessage(2, 2, 200)], Plan([100, 100, 200, 200]));
    }

    [Fact]
    public void LoneDatagramsArePlain()
    {
        Assert.Equal([new GsoMessage(0, 1, 0), new GsoMessage(1, 1, 0), new GsoMessage(2, 1, 0)], Plan([200, 300, 500]));
        Assert.Equal([new GsoMessage(0, 1, 0)], Plan([1400]));
        Assert.Empty(Plan([]));
    }

    [Fact]
    public void EmptyDatagramsAreNeverSegmented()
    {
        Assert.Equal([new GsoMessage(0, 1, 0), new GsoMessage(1, 1, 0), new GsoMessage(2, 1, 0)], Plan([0, 0, 0]));
        // An empty datagram cannot be a segment, so it ends a run without joining it.
        Assert.Equal([new GsoMessage(0, 2, 50), new GsoMessage(2, 1, 0)], Plan([50, 50, 0]));
    }

    [Fact]
    public void RunsStopAtTheSegmentLimit()
    {
        var lengths = Enumerable.Repeat(100, 150).ToArray();
        Assert.Equal([new GsoMessage(0, 64, 100), new GsoMessage(64, 64, 100), new GsoMessage(128, 22, 100)], Plan(lengths));
        Assert.Equal([new GsoMessage(0, 3, 100), new GsoMessage(3, 2, 100)], Plan([100, 100, 100, 100, 100], maxSegments: 3));
    }

    [Fact]
    public void RunsStopAtTheByteLimit()
    {
        // 46 x 1400 = 64,400 fits 65,507; a 47th would not.
        var lengths = Enumerable.Repeat(1400, 50).ToArray();
        Assert.Equal([new GsoMessage(0, 46, 1400), new GsoMessage(46, 4, 1400)], Plan(lengths));
        foreach (var m in Plan(Enumerable.Repeat(1452, 200).ToArray()))
            Assert.True(m.Count * 1452 <= GsoPlanner.MaxBytes);
    }

    [Fact]
    public void MixedBatchKeepsEveryDatagramOnceInOrder()
    {
        int[] lengths = [1400, 1400, 1400, 1399, 1, 1, 1, 700, 1400, 1400, 64, 64, 64, 65, 12];
        var plan = Plan(lengths);
        Assert.Equal(
            [new GsoMessage(0, 4, 1400), new GsoMessage(4, 3, 1), new GsoMessage(7, 1, 0), new GsoMessage(8, 3, 1400),
             new GsoMessage(11, 2, 64), new GsoMessage(13, 2, 65)],
            plan);
        int next = 0;
        foreach (var m in plan)
        {
            Assert.Equal(next, m.First);
            for (int i = m.First; i < m.First + m.Count - 1; i++) Assert.Equal(m.SegmentSize, lengths[i]);
            if (m.Count > 1) Assert.InRange(lengths[m.First + m.Count - 1], 1, m.SegmentSize);
            next += m.Count;
        }
        Assert.Equal(lengths.Length, next);
    }
}
