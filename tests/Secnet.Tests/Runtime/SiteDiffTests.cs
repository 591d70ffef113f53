using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public sealed class SiteDiffTests
{
    [Fact]
    public void SitesAreMatchedByNameAndComparedBySignature()
    {
        var diff = SiteDiff.Compute(
            [("a", "1"), ("b", "2"), ("c", "3")],
            [("d", "4"), ("c", "3x"), ("a", "1")]);
        Assert.Equal(["d"], diff.Added);
        Assert.Equal(["b"], diff.Removed);
        Assert.Equal(["c"], diff.Changed);
        Assert.Equal(["a"], diff.Unchanged);
    }

    [Fact]
    public void TheSameConfigurationIsAllUnchanged()
    {
        var diff = SiteDiff.Compute([("a", "1"), ("b", "2")], [("b", "2"), ("a", "1")]);
        Assert.Empty(diff.Added);
        Assert.Empty(diff.Removed);
        Assert.Empty(diff.Changed);
        Assert.Equal(["b", "a"], diff.Unchanged);
    }

    [Fact]
    public void AnEmptySiteListRemovesEverySite()
    {
        var diff = SiteDiff.Compute([("a", "1")], []);
        Assert.Equal(["a"], diff.Removed);
        Assert.Empty(diff.Unchanged);
    }
}
