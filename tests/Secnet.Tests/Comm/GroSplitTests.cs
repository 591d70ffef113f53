using Secnet.Comm;

namespace Secnet.Tests.Comm;

public class GroSplitTests
{
    [Theory]
    [InlineData(4200, 1400, 3)]
    [InlineData(4199, 1400, 3)]
    [InlineData(4201, 1400, 4)]
    [InlineData(1, 1400, 1)]
    [InlineData(65507, 1, 65507)]
    public void CountsDatagramsWithAShorterLast(int length, int size, int expected)
    {
        Assert.Equal(expected, GroSplit.Count(length, size, 2048));
    }

    [Theory]
    [InlineData(1400, 0)]
    [InlineData(1400, -5)]
    [InlineData(0, 1400)]
    [InlineData(-1, 1400)]
    [InlineData(6000, 3000)]
    public void MalformedMessagesHoldNoDatagrams(int length, int size)
    {
        Assert.Equal(0, GroSplit.Count(length, size, 2048));
    }

    [Fact]
    public void SegmentsCoverTheMessageExactlyOnce()
    {
        const int length = 5 * 1400 + 321;
        int count = GroSplit.Count(length, 1400, 2048);
        Assert.Equal(6, count);
        int expected = 0;
        for (int i = 0; i < count; i++)
        {
            var (offset, segment) = GroSplit.Segment(length, 1400, i);
            Assert.Equal(expected, offset);
            Assert.Equal(i < 5 ? 1400 : 321, segment);
            expected += segment;
        }
        Assert.Equal(length, expected);
    }
}
