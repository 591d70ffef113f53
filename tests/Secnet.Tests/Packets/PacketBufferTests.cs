using Secnet.Packets;

namespace Secnet.Tests.Packets;

public class PacketBufferTests
{
    [Fact]
    public void PrependAndAppendGrowInPlaceWithinHeadAndTailRoom()
    {
        var pool = new BufferPool(maxPacket: 100);
        var b = pool.Rent();
        b.CopyFrom([1, 2, 3]);
        Assert.True(b.TryPrepend(4, out var head));
        head.Fill(9);
        Assert.True(b.TryAppend(2, out var tail));
        tail.Fill(7);
        Assert.Equal(new byte[] { 9, 9, 9, 9, 1, 2, 3, 7, 7 }, b.Data.ToArray());
        Assert.False(b.TryPrepend(PacketBuffer.DefaultHeadroom, out _));
        Assert.True(b.TryTrimFront(4));
        Assert.True(b.TryTrimEnd(2));
        Assert.Equal(new byte[] { 1, 2, 3 }, b.Data.ToArray());
        Assert.False(b.TryTrimEnd(4));
    }

    [Fact]
    public void ReturnedBuffersAreReused()
    {
        var pool = new BufferPool(maxPacket: 100);
        var b = pool.Rent();
        b.Release();
        Assert.Same(b, pool.Rent());
    }
}
