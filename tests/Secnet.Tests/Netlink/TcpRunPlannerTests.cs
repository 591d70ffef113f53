using Secnet.Netlink;
using Secnet.Packets;
using static Secnet.Tests.Netlink.TcpPacketKit;

namespace Secnet.Tests.Netlink;

/// <summary>Which queued packets join which run when flows interleave.</summary>
public sealed class TcpRunPlannerTests
{
    private const int Mss = 1000;

    private static PacketBuffer Buffer(byte[] packet)
    {
        var buffer = new PacketBuffer(4096);
        buffer.CopyFrom(packet);
        return buffer;
    }

    private static byte[] Segment(ushort port, int index, byte flags = Ack) =>
        Build(10_000 + (uint)(index * Mss), flags, Payload(Mss, index), sourcePort: port);

    private static List<int> Chain(TcpRunPlanner planner, int head)
    {
        var chain = new List<int>();
        for (var i = head; i >= 0; i = planner.Next(i)) chain.Add(i);
        return chain;
    }

    [Fact]
    public void InterleavedFlowsEachFormARunHeadedByTheirFirstPacket()
    {
        PacketBuffer?[] queue =
        [
            Buffer(Segment(1, 0)), Buffer(Segment(2, 0)), Buffer(Segment(1, 1)), Buffer(Segment(2, 1)),
            Buffer(Segment(1, 2)), Buffer(Segment(2, 2)),
        ];
        var planner = new TcpRunPlanner(16);
        Assert.Equal(0, planner.Plan(queue, queue.Length));
        Assert.Equal([0, 2, 4], Chain(planner, 0));
        Assert.Equal([1, 3, 5], Chain(planner, 1));
        Assert.Equal(3, planner.RunLength(0));
        Assert.Equal(3, planner.RunLength(1));
        Assert.True(planner.IsMember(2));
        Assert.False(planner.IsMember(1));
    }

    [Fact]
    public void APacketThatCannotJoinItsFlowsRunClosesIt()
    {
        PacketBuffer?[] queue =
        [
            Buffer(Segment(1, 0)), Buffer(Segment(1, 1)),
            Buffer(Build(10_000 + 2 * Mss, Ack | Fin, [], sourcePort: 1)),
            Buffer(Segment(1, 3)), Buffer(Segment(1, 4)),
        ];
        var planner = new TcpRunPlanner(16);
        planner.Plan(queue, queue.Length);
        Assert.Equal([0, 1], Chain(planner, 0));
        Assert.Equal(1, planner.RunLength(2));
        Assert.False(planner.IsMember(3));
        Assert.Equal([3, 4], Chain(planner, 3));
    }

    [Fact]
    public void BadChecksumsAreCountedAndStayAlone()
    {
        PacketBuffer?[] queue =
        [
            Buffer(Segment(1, 0)),
            Buffer(Build(10_000 + Mss, Ack, Payload(Mss, 1), sourcePort: 1, validChecksum: false)),
            Buffer(Build(10_000 + 2 * Mss, Ack, Payload(Mss, 2), sourcePort: 1)),
        ];
        var planner = new TcpRunPlanner(16);
        Assert.Equal(1, planner.Plan(queue, queue.Length));
        Assert.Equal(1, planner.RunLength(0));
        Assert.Equal(1, planner.RunLength(1));
        Assert.False(planner.IsMember(2));
    }

    [Fact]
    public void MoreFlowsThanOpenRunsStillPlanEveryPacketOnce()
    {
        var queue = new List<PacketBuffer?>();
        for (var round = 0; round < 2; round++)
            for (ushort port = 1; port <= TcpRunPlanner.MaxOpenRuns + 2; port++)
                queue.Add(Buffer(Segment(port, round)));
        var planner = new TcpRunPlanner(64);
        planner.Plan(queue.ToArray(), queue.Count);
        var seen = new HashSet<int>();
        for (var i = 0; i < queue.Count; i++)
            if (!planner.IsMember(i))
                foreach (var m in Chain(planner, i)) Assert.True(seen.Add(m));
        Assert.Equal(queue.Count, seen.Count);
    }
}
