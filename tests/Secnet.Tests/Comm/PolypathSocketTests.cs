using System.Net;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

public class PolypathSocketTests
{
    [Fact]
    public void PolypathSocketsGetTheRoomyReceiveBufferUdpSocketsGet()
    {
        // Root (as in CI) may exceed rmem_max; the default of ~208 KiB overflows under a burst.
        using var socket = PolypathSocket.TryCreate("lo", new IPEndPoint(IPAddress.Loopback, 0), null, out var problem, out var summary);
        Assert.True(socket is not null, $"{summary}: {problem}");
        Assert.True(socket.ReceiveBufferSize >= UdpReceiveBuffer.DefaultBytes, $"receive buffer {socket.ReceiveBufferSize}");
    }
}
