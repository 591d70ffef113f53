using System.Net;
using System.Net.Sockets;
using Secnet.Packets;
using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>
/// A polypath comm as seen by one site that has <c>dedicated-interface-addr</c> (secnet's comm
/// client info): sends also use the dedicated interface socket with that address. Everything else
/// is the shared comm's.
/// </summary>
public sealed class PolypathSiteComm : IComm
{
    private readonly PolypathComm _comm;

    internal PolypathSiteComm(PolypathComm comm, IPAddress dedicatedAddress)
    {
        _comm = comm;
        DedicatedAddress = dedicatedAddress;
    }

    public IPAddress DedicatedAddress { get; }

    /// <summary>The polypath comm this view belongs to.</summary>
    public PolypathComm Shared => _comm;

    public void Register(ICommReceiver receiver) => _comm.Register(receiver, this);

    public void Unregister(ICommReceiver receiver) => _comm.Unregister(receiver);

    public bool Supports(AddressFamily family) => _comm.Supports(family);

    public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination) => _comm.Send(datagram, destination, DedicatedAddress);

    public int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination) => _comm.SendBatch(datagrams, destination, DedicatedAddress);

    public void SendNak(SocketAddress destination, PacketHeader offending, string reason) => _comm.SendNak(destination, offending, reason);

    public string Describe(SocketAddress peer) => _comm.Describe(peer);
}
