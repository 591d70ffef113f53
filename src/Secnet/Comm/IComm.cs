using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Packets;
using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>
/// The COMM closure value: a datagram transport shared by sites. Send and the receive dispatch may
/// run on I/O threads; nothing here touches a site's protocol state.
/// </summary>
public interface IComm
{
    /// <summary>Registers a site: MSG1 and PROD are offered to receivers in registration order,
    /// anything else only to the receiver with its destination index (<see cref="CommReceivers"/>).</summary>
    void Register(ICommReceiver receiver);

    /// <summary>Forgets a site a reload closed: datagrams for its index get the NAK of an
    /// unclaimed one, and MSG1/PROD naming it go to a site of the same name added in its place
    /// (which has an index of its own).</summary>
    void Unregister(ICommReceiver receiver);

    /// <summary>True if this comm has a socket of the address family (so it can send there).</summary>
    bool Supports(AddressFamily family);

    /// <summary>Sends one datagram (thread-safe, never throws for network errors); false if it failed.</summary>
    bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination);

    /// <summary>Sends datagrams for one destination in order (thread-safe, never throws for
    /// network errors): how many leading datagrams went out; fewer than all means the next one
    /// failed. udp hands them to the kernel together (sendmmsg with segmentation offload).</summary>
    int SendBatch(ReadOnlySpan<PacketBuffer> datagrams, SocketAddress destination)
    {
        for (int i = 0; i < datagrams.Length; i++)
            if (!Send(datagrams[i].Data, destination)) return i;
        return datagrams.Length;
    }

    /// <summary>Sends the NAK for <paramref name="offending"/> to <paramref name="destination"/> and logs
    /// <c>sending NAK for ...: reason</c> (runtime.md §7).</summary>
    void SendNak(SocketAddress destination, PacketHeader offending, string reason);

    /// <summary>secnet's comm-address text for logs, e.g. <c>udp#0@l28:[10.99.0.1]:16900-[10.99.0.2]:16910</c>.</summary>
    string Describe(SocketAddress peer);
}

/// <summary>A site as seen by a comm.</summary>
public interface ICommReceiver
{
    /// <summary>
    /// Offers a datagram, with its header as the comm parsed it. Returning true claims it and takes
    /// ownership of <paramref name="packet"/>; false leaves it with the comm and may set
    /// <paramref name="refusal"/> (the NAK reason).
    /// <paramref name="source"/> is reused by the comm after the call: copy it to keep it.
    /// </summary>
    bool TryReceive(IComm comm, PacketBuffer packet, PacketHeader header, SocketAddress source, ref string? refusal);

    /// <summary>The destination index of datagrams for this receiver (other than MSG1 and PROD);
    /// read once, when it registers, so it must not change while registered.</summary>
    uint LocalIndex { get; }
}

/// <summary>Helpers for the mutable, reused <see cref="SocketAddress"/> values comms hand out.</summary>
public static class SocketAddresses
{
    public static SocketAddress Copy(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    /// <summary>The family, read from the address's own sa_family bytes: SocketAddress.Family calls
    /// into the runtime's native part (and its error-code table) each time, which showed in the
    /// profile of a ping on the send path.</summary>
    public static AddressFamily FamilyOf(SocketAddress address)
    {
        if (address.Size < sizeof(ushort)) return address.Family;
        return MemoryMarshal.Read<ushort>(address.Buffer.Span) switch
        {
            Libc.AF_INET => AddressFamily.InterNetwork,
            Libc.AF_INET6 => AddressFamily.InterNetworkV6,
            _ => address.Family,
        };
    }

    public static IPEndPoint ToEndPoint(SocketAddress address)
    {
        var template = address.Family == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        return (IPEndPoint)template.Create(address);
    }

    /// <summary>secnet's <c>[addr]:port</c> form.</summary>
    public static string Format(IPEndPoint endPoint) => $"[{endPoint.Address}]:{endPoint.Port}";
}
