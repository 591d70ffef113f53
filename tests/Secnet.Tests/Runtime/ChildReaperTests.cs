using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public class ChildReaperTests
{
    [Theory]
    [InlineData(0, "userv-ipif: userv exited")]
    [InlineData(3 << 8, "userv-ipif: userv exited with error exit status 3")]
    [InlineData(15, "userv-ipif: userv died due to fatal signal Terminated (15)")]
    [InlineData(9 | 0x80, "userv-ipif: userv died due to fatal signal Killed (9) (core dumped)")]
    [InlineData(0x137f, "userv-ipif: userv died with unknown wait status 4991")]
    public void DescribesWaitStatusLikeSecnet(int status, string expected) =>
        Assert.Equal(expected, ChildReaper.DescribeExit("userv-ipif", "userv", status));

    [Fact]
    public void OnlyRegisteredChildrenAreTouched()
    {
        var reaper = new ChildReaper();
        // Our own pid is never our child: waitpid fails, which must surface, not be ignored.
        reaper.Register(Environment.ProcessId, _ => { });
        Assert.Throws<SecnetFatalException>(() => reaper.ReapRegistered());
        Assert.False(reaper.IsRegistered(Environment.ProcessId));
        Assert.Equal(0, new ChildReaper().ReapRegistered());
    }
}
