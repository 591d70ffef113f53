using System.Net;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// One socket's recvmmsg state, owned by the packet loop's thread: a receive fills message slots;
/// each slot holds one or (with UDP_GRO) several datagrams from one source, handed on in order.
/// An abstract class, not an interface, for the reason <see cref="ReadableSource"/> is one: these
/// calls are made on every receive, and an interface call resolves through the runtime's dispatch
/// stub, which showed in the profile of a packet after an idle spell.
/// </summary>
internal abstract class DatagramReceiver : IDisposable
{
    /// <summary>Receives up to <paramref name="most"/> messages (at most <see cref="Capacity"/>)
    /// without waiting: the count, 0 when none came (errno EAGAIN) or -1 with
    /// <paramref name="errno"/> for other errors (<see cref="DatagramIo.Receive"/>).</summary>
    public abstract int Receive(int fd, int most, out int errno);

    /// <summary>Most messages one receive returns; fewer means the socket was emptied.</summary>
    public abstract int Capacity { get; }

    /// <summary>Datagrams in message <paramref name="message"/> (0 when it was dropped).</summary>
    public abstract int Count(int message);

    /// <summary>Hands on datagram <paramref name="index"/> of message <paramref name="message"/>
    /// (the caller now owns it); each is taken at most once.</summary>
    public abstract PacketBuffer Take(int message, int index);

    /// <summary>Where message <paramref name="message"/> came from; valid until the next receive.</summary>
    public abstract SocketAddress Source(int message);

    /// <summary>Frees the receive buffers and message slots.</summary>
    public abstract void Dispose();
}
