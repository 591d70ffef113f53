using System.Net;
using System.Net.Sockets;
using Secnet.Comm;

namespace Secnet.Sites;

/// <summary>One way to reach the peer: a comm and a socket address (immutable once made).</summary>
public sealed class PeerAddress
{
    public PeerAddress(IComm comm, SocketAddress address, long lastSeenMs)
    {
        Comm = comm;
        Address = address;
        LastSeenMs = lastSeenMs;
    }

    public PeerAddress(IComm comm, IPEndPoint endPoint, long lastSeenMs)
        : this(comm, endPoint.Serialize(), lastSeenMs)
    {
    }

    public IComm Comm { get; }
    public SocketAddress Address { get; }
    public long LastSeenMs { get; }

    public bool SameAs(IComm comm, SocketAddress address) => ReferenceEquals(Comm, comm) && Address.Equals(address);

    public PeerAddress Seen(long nowMs) => new(Comm, Address, nowMs);

    public override string ToString() => Comm.Describe(Address);
}
