using System.Net;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>A comm that can hand several datagrams for one destination to the kernel at once
/// (sendmmsg). Sites use it when their comm offers it and fall back to <see cref="IComm.Send"/>.</summary>
public interface IBatchSender
{
    /// <summary>Sends the datagrams in order (thread-safe, never throws for network errors);
    /// returns how many leading datagrams were sent: fewer than all means the next one failed.</summary>
    int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination);
}
