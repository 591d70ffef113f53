using System.Buffers.Binary;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// ICMPv6 errors (RFC 4443): a fresh IPv6 header (traffic class 0, flow label 0, hop limit 255),
/// type, code, checksum over the pseudo-header, the 4-byte field (the MTU for "packet too big",
/// else 0), and as much of the offending packet as keeps the error within the IPv6 minimum MTU.
/// </summary>
internal static class Icmpv6Builder
{
    public const int TypeUnreachable = 1;
    public const int TypePacketTooBig = 2;
    public const int TypeTimeExceeded = 3;
    public const int TypeEchoRequest = 128;
    public const int TypeEchoReply = 129;
    public const int CodeNoRoute = 0;
    public const int CodeProhibited = 1;
    public const int CodePortUnreachable = 4;
    public const int CodeHopLimitExceeded = 0;
    public const int MinimumMtu = 1280;
    private const int HeaderLength = 8;

    /// <summary>RFC 4443 §2.4 (e): no error about an ICMPv6 error, nor about a packet from the
    /// unspecified or a multicast source or to a multicast destination (the exceptions for
    /// "packet too big" to multicast are not needed: nothing multicast is routed here).</summary>
    public static bool MayReplyTo(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < Ipv6Header.Length) return false;
        var source = Ipv6Header.Source(packet);
        if (source == UInt128.Zero || Ipv6Address.IsMulticast(source)) return false;
        if (Ipv6Address.IsMulticast(Ipv6Header.Destination(packet))) return false;
        // Only a directly following ICMPv6 header is looked at; errors behind extension headers
        // are answered, which RFC 4443 allows a router that does not parse them.
        if (Ipv6Header.NextHeader(packet) == Ipv6Header.NextHeaderIcmpv6)
            return packet.Length > Ipv6Header.Length && packet[Ipv6Header.Length] >= 128;
        return true;
    }

    public static int QuotedLength(ReadOnlySpan<byte> offending) =>
        Math.Min(offending.Length, MinimumMtu - Ipv6Header.Length - HeaderLength);

    /// <summary>Builds the error into a pooled buffer; null when the pool's buffers are too small.</summary>
    public static PacketBuffer? Build(BufferPool pool, ReadOnlySpan<byte> offending, UInt128 source,
        UInt128 destination, int type, int code, uint info)
    {
        int quoted = QuotedLength(offending);
        int messageLength = HeaderLength + quoted;
        var buffer = pool.Rent();
        if (!buffer.TryAppend(Ipv6Header.Length + messageLength, out var p))
        {
            buffer.Release();
            return null;
        }
        p[0] = 0x60;
        p[1] = 0;
        p[2] = 0;
        p[3] = 0;
        Ipv6Header.SetPayloadLength(p, messageLength);
        p[6] = Ipv6Header.NextHeaderIcmpv6;
        p[7] = 255;
        Ipv6Header.SetSource(p, source);
        Ipv6Header.SetDestination(p, destination);
        var icmp = p[Ipv6Header.Length..];
        icmp[0] = (byte)type;
        icmp[1] = (byte)code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], info);
        offending[..quoted].CopyTo(icmp[HeaderLength..]);
        SetChecksum(p);
        return buffer;
    }

    /// <summary>Recomputes the checksum of the ICMPv6 message that directly follows the IPv6
    /// header of <paramref name="packet"/>.</summary>
    public static void SetChecksum(Span<byte> packet)
    {
        var icmp = packet[Ipv6Header.Length..];
        icmp[2] = 0;
        icmp[3] = 0;
        var sum = InternetChecksum.Complete(icmp, Ipv6Header.PseudoHeader(packet, Ipv6Header.NextHeaderIcmpv6, icmp.Length));
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], sum);
    }
}

/// <summary>
/// The rate limit of generated ICMPv6 errors, after Linux (net.ipv6.icmp and net.ipv4
/// icmp_msgs_per_sec/icmp_msgs_burst): one token bucket for the device, 1000 errors a second
/// with a burst of 50, and "packet too big" never limited, because path MTU discovery breaks if
/// it is (Linux exempts it for the same reason). Linux also keeps a per-destination limit; here
/// the errors go only to the host or to the sites of one device, so the global bucket bounds
/// what a flood can make and no per-destination table (which the network could grow) is kept.
/// Errors are rare, so a short lock guards the bucket; nothing is allocated.
/// </summary>
internal sealed class Icmpv6RateLimiter
{
    public const int PerSecond = 1000;
    public const int Burst = 50;
    private readonly Func<long> _clockMilliseconds;
    private long _tokensMilli;
    private long _lastMs;
    private readonly object _lock = new();

    public Icmpv6RateLimiter(Func<long>? clockMilliseconds = null)
    {
        _clockMilliseconds = clockMilliseconds ?? (static () => Environment.TickCount64);
        _tokensMilli = Burst * 1000L;
        _lastMs = _clockMilliseconds();
    }

    public bool Allow(int type)
    {
        if (type == Icmpv6Builder.TypePacketTooBig) return true;
        lock (_lock)
        {
            long now = _clockMilliseconds();
            long elapsed = now - _lastMs;
            if (elapsed > 0)
            {
                _tokensMilli = Math.Min(Burst * 1000L, _tokensMilli + elapsed * PerSecond);
                _lastMs = now;
            }
            if (_tokensMilli < 1000) return false;
            _tokensMilli -= 1000;
            return true;
        }
    }
}
