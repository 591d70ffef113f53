using System.Net;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// One socket's recvmmsg state as the thread receiving on it sees it: a receive fills message slots;
/// each slot holds one or (with UDP_GRO) several datagrams from one source, handed on in order.
/// </summary>
internal interface IDatagramReceiver : IDisposable
{
    /// <summary>Receives up to a batch of messages, waiting (up to the socket's receive timeout)
    /// only for the first if <paramref name="wait"/>, else not at all: the count, 0 when none came
    /// (errno EAGAIN) or -1 with <paramref name="errno"/> for other errors.</summary>
    int Receive(int fd, bool wait, out int errno);

    /// <summary>Most messages one receive returns; fewer means the socket was emptied.</summary>
    int Capacity { get; }

    /// <summary>Datagrams in message <paramref name="message"/> (0 when it was dropped).</summary>
    int Count(int message);

    /// <summary>Hands on datagram <paramref name="index"/> of message <paramref name="message"/>
    /// (the caller now owns it); each is taken at most once.</summary>
    PacketBuffer Take(int message, int index);

    /// <summary>Where message <paramref name="message"/> came from; valid until the next receive.</summary>
    SocketAddress Source(int message);
}

internal static class DatagramBatch
{
    /// <summary>Hands the <paramref name="messages"/> messages of one receive to
    /// <paramref name="dispatch"/>, every datagram in order, as one <see cref="PacketBatch"/>: the
    /// sites seal and open what it brought together. The batch closes before the caller's next
    /// receive, which reuses the source addresses the sites queued with the datagrams.</summary>
    public static void Deliver(IDatagramReceiver receiver, int messages, Action<PacketBuffer, SocketAddress> dispatch)
    {
        PacketBatch.Begin();
        try
        {
            for (int i = 0; i < messages; i++)
            {
                var source = receiver.Source(i);
                int count = receiver.Count(i);
                for (int j = 0; j < count; j++) dispatch(receiver.Take(i, j), source);
            }
        }
        finally
        {
            PacketBatch.End();
        }
    }
}
