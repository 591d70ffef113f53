// Who a comm's datagrams are for. A hub has hundreds of sites on one comm, and asking each in
// turn made every data packet cost one call per site: so everything but MSG1 and PROD goes
// straight to the site(s) holding its destination index, found in a map kept beside the
// registration-order list. MSG1 and PROD carry dest 0 and are claimed by the names inside, so they
// are still offered in order; the refusal texts then come from the sites as before.
//
// The table is immutable and replaced whole on Register/Unregister (a reload adds and removes
// sites while packets flow), so the receiving thread reads the published one without a lock.
using System.Net;
using Secnet.Packets;
using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>A comm's registered receivers, in order and by <see cref="ICommReceiver.LocalIndex"/>.</summary>
public sealed class CommReceivers
{
    /// <summary>The NAK reason for a datagram whose destination index no site has (protocol.md §8).</summary>
    public const string UnknownDestIndex = "not MSG1 or PROD; unknown dest index";

    /// <summary>A receiver and the comm it registered through (polypath hands a site with a
    /// dedicated address its own view, which is what the site must see the datagram arrive on).</summary>
    public readonly record struct Entry(ICommReceiver Receiver, IComm AsSeen);

    public static CommReceivers Empty { get; } = new([]);

    private readonly Entry[] _all;

    // Index -> where its (first) receiver is in _all. Site indices are unique in the process
    // (SiteIndexAllocator), so one position is all a daemon needs; a hub's sites are mostly idle,
    // so the map is what a site costs here (about 20 bytes, not a list each).
    private readonly Dictionary<uint, int> _first;

    // Two receivers with one index (a site naming the same comm twice, or tests): after the first
    // refuses, the others with that index are asked in registration order, as the linear offer did.
    private readonly bool _sharedIndex;

    private CommReceivers(Entry[] all)
    {
        _all = all;
        _first = new Dictionary<uint, int>(all.Length);
        for (int i = 0; i < all.Length; i++)
            if (!_first.TryAdd(all[i].Receiver.LocalIndex, i)) _sharedIndex = true;
    }

    public int Count => _all.Length;

    /// <summary>This table with <paramref name="receiver"/> added last.</summary>
    public CommReceivers With(ICommReceiver receiver, IComm asSeen)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        return new CommReceivers([.. _all, new Entry(receiver, asSeen)]);
    }

    /// <summary>This table without <paramref name="receiver"/> (every registration of it).</summary>
    public CommReceivers Without(ICommReceiver receiver) =>
        new(Array.FindAll(_all, e => !ReferenceEquals(e.Receiver, receiver)));

    /// <summary>
    /// Offers a received datagram: true if a receiver claimed it (and now owns
    /// <paramref name="packet"/>). Otherwise <paramref name="header"/> is the parsed header when
    /// <paramref name="parsed"/>, for the comm's NAK, and <paramref name="refusal"/> its reason.
    /// </summary>
    public bool Offer(PacketBuffer packet, SocketAddress source, out PacketHeader header, out bool parsed, out string? refusal)
    {
        refusal = null;
        // Shorter than a header: no site's (protocol.md §8 step 1), and too short for a NAK.
        parsed = PacketHeader.TryParse(packet.Data, out header);
        if (!parsed) return false;
        if (header.Label is MessageLabel.Msg1 or MessageLabel.Prod)
        {
            foreach (var e in _all)
                if (e.Receiver.TryReceive(e.AsSeen, packet, header, source, ref refusal)) return true;
            return false;
        }
        if (_first.TryGetValue(header.Dest, out int at))
        {
            var e = _all[at];
            if (e.Receiver.TryReceive(e.AsSeen, packet, header, source, ref refusal)) return true;
            if (_sharedIndex && OfferToSharers(at + 1, packet, header, source, ref refusal)) return true;
        }
        // What any other site would have answered had it been asked; a comm without sites gives
        // no reason, as before.
        if (_all.Length > 0) refusal ??= UnknownDestIndex;
        return false;
    }

    private bool OfferToSharers(int from, PacketBuffer packet, PacketHeader header, SocketAddress source, ref string? refusal)
    {
        for (int i = from; i < _all.Length; i++)
        {
            var e = _all[i];
            if (e.Receiver.LocalIndex == header.Dest && e.Receiver.TryReceive(e.AsSeen, packet, header, source, ref refusal)) return true;
        }
        return false;
    }
}
