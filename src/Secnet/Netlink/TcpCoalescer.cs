using System.Buffers.Binary;

namespace Secnet.Netlink;

/// <summary>The TCP fields of a packet that may join a coalesced run.</summary>
public readonly record struct TcpSegmentInfo(uint Sequence, int TcpHeaderLength, int PayloadLength, bool Push,
    int IpHeaderLength = Ipv4Header.MinLength)
{
    public int HeaderLength => IpHeaderLength + TcpHeaderLength;
}

/// <summary>Whether a packet may be coalesced (<see cref="TcpCoalescer.Inspect"/>).</summary>
public enum CoalesceCandidate
{
    Eligible,
    NotEligible,
    BadChecksum,
}

/// <summary>A run of coalescable segments of one flow, as it grows.</summary>
public struct TcpRun
{
    public int Count;
    public uint NextSequence;
    /// <summary>Length of the merged packet (IP header included).</summary>
    public int Length;
    public int SegmentSize;
    public bool Push;
    /// <summary>Set after a PSH or a short segment: nothing may follow.</summary>
    public bool Closed;
}

/// <summary>
/// Receive-side coalescing (GRO) of TCP segments written to a tun with IFF_VNET_HDR: a run of
/// in-order segments of one flow with identical headers (apart from IP id/length/checksum, TCP
/// sequence/checksum/window, PSH on the last) becomes one GSO packet, so the kernel runs its TCP
/// receive path once per run instead of once per segment. Only plain data segments qualify:
/// IPv4 without options or IPv6 without extension headers, ACK (+PSH on the last), a payload,
/// and a correct TCP checksum, since
/// the merged packet goes up as CHECKSUM_PARTIAL and the kernel will not check it again.
/// Pure span functions, no exceptions.
/// </summary>
public static class TcpCoalescer
{
    public const int MaxLength = 65535;

    private const byte FlagAck = 0x10;
    private const byte FlagPsh = 0x08;

    /// <summary>Classifies <paramref name="packet"/>; fills <paramref name="info"/> when eligible.</summary>
    public static CoalesceCandidate Inspect(ReadOnlySpan<byte> packet, out TcpSegmentInfo info)
    {
        info = default;
        int ip;
        if (packet.Length >= Ipv4Header.MinLength + 20 && packet[0] == 0x45)
        {
            ip = Ipv4Header.MinLength;
            if (Ipv4Header.TotalLength(packet) != packet.Length) return CoalesceCandidate.NotEligible;
            if (Ipv4Header.Protocol(packet) != InternetChecksum.ProtocolTcp) return CoalesceCandidate.NotEligible;
            if ((Ipv4Header.FragmentField(packet) & (Ipv4Header.FlagMoreFragments | Ipv4Header.OffsetMask)) != 0)
                return CoalesceCandidate.NotEligible;
        }
        else if (packet.Length >= Ipv6Header.Length + 20 && packet[0] >> 4 == 6)
        {
            ip = Ipv6Header.Length;
            if (Ipv6Header.PayloadLength(packet) + Ipv6Header.Length != packet.Length) return CoalesceCandidate.NotEligible;
            if (Ipv6Header.NextHeader(packet) != InternetChecksum.ProtocolTcp) return CoalesceCandidate.NotEligible;
        }
        else
        {
            return CoalesceCandidate.NotEligible;
        }
        var tcp = packet[ip..];
        // The low nibble holds reserved bits (and AccECN's AE): anything there is left alone.
        if ((tcp[12] & 0x0f) != 0) return CoalesceCandidate.NotEligible;
        var tcpLength = (tcp[12] >> 4) * 4;
        if (tcpLength < 20 || tcp.Length <= tcpLength) return CoalesceCandidate.NotEligible;
        var flags = tcp[13];
        if (flags != FlagAck && flags != (FlagAck | FlagPsh)) return CoalesceCandidate.NotEligible;
        bool valid = ip == Ipv6Header.Length
            ? InternetChecksum.Fold(InternetChecksum.Add(tcp, Ipv6Header.PseudoHeader(packet, InternetChecksum.ProtocolTcp, tcp.Length))) == 0xffff
            : InternetChecksum.TcpChecksumValid(packet, tcp);
        if (!valid) return CoalesceCandidate.BadChecksum;
        info = new TcpSegmentInfo(BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), tcpLength,
            tcp.Length - tcpLength, flags == (FlagAck | FlagPsh), ip);
        return CoalesceCandidate.Eligible;
    }

    /// <summary>A run holding just <paramref name="head"/>.</summary>
    public static TcpRun Start(in TcpSegmentInfo head) => new()
    {
        Count = 1,
        NextSequence = head.Sequence + (uint)head.PayloadLength,
        Length = head.HeaderLength + head.PayloadLength,
        SegmentSize = head.PayloadLength,
        Push = head.Push,
        Closed = head.Push,
    };

    /// <summary>True if <paramref name="next"/> continues the run that began with
    /// <paramref name="head"/>: same flow and header fields, the next sequence number, a payload
    /// no larger than the run's segment size and room under 64 KiB.</summary>
    public static bool CanAppend(ReadOnlySpan<byte> head, in TcpRun run, ReadOnlySpan<byte> next, in TcpSegmentInfo nextInfo)
    {
        if (run.Closed || nextInfo.Sequence != run.NextSequence || nextInfo.PayloadLength > run.SegmentSize) return false;
        if (run.Length + nextInfo.PayloadLength > MaxLength) return false;
        var headerLength = nextInfo.HeaderLength;
        var ip = nextInfo.IpHeaderLength;
        if (head.Length < headerLength || head[0] >> 4 != next[0] >> 4 || ((head[ip + 12] >> 4) * 4) != nextInfo.TcpHeaderLength) return false;
        if (ip == Ipv6Header.Length)
        {
            // IPv6: version/traffic class/flow label, next header/hop limit, addresses.
            if (!head[..4].SequenceEqual(next[..4]) || !head[6..40].SequenceEqual(next[6..40])) return false;
        }
        // IPv4: version/IHL/TOS, DF/fragment field/TTL/protocol, addresses.
        else if (!head[..2].SequenceEqual(next[..2]) || !head[6..10].SequenceEqual(next[6..10])
            || !head[12..20].SequenceEqual(next[12..20])) return false;
        // TCP: ports, acknowledgement, data offset, then every option byte.
        var headTcp = head[ip..headerLength];
        var nextTcp = next[ip..headerLength];
        return headTcp[..4].SequenceEqual(nextTcp[..4]) && headTcp[8..13].SequenceEqual(nextTcp[8..13])
            && headTcp[20..].SequenceEqual(nextTcp[20..]);
    }

    /// <summary>Adds <paramref name="next"/> (already accepted by <see cref="CanAppend"/>) to the run.</summary>
    public static void Append(ref TcpRun run, in TcpSegmentInfo next)
    {
        run.Count++;
        run.NextSequence += (uint)next.PayloadLength;
        run.Length += next.PayloadLength;
        if (next.Push) run.Push = true;
        if (next.Push || next.PayloadLength < run.SegmentSize) run.Closed = true;
    }

    /// <summary>Copies the head packet behind room for the virtio header; returns bytes used
    /// (-1 if <paramref name="merged"/> is too small).</summary>
    public static int WriteHead(ReadOnlySpan<byte> head, Span<byte> merged)
    {
        if (merged.Length < VirtioNetHeader.Size + head.Length) return -1;
        head.CopyTo(merged[VirtioNetHeader.Size..]);
        return VirtioNetHeader.Size + head.Length;
    }

    /// <summary>Appends the payload of <paramref name="next"/> at <paramref name="used"/> and takes
    /// its window (the newest); returns bytes used (-1 if there is no room).</summary>
    public static int WriteNext(Span<byte> merged, int used, ReadOnlySpan<byte> next, in TcpSegmentInfo nextInfo)
    {
        var payload = next[nextInfo.HeaderLength..];
        if (merged.Length < used + payload.Length) return -1;
        payload.CopyTo(merged[used..]);
        next.Slice(nextInfo.IpHeaderLength + 14, 2).CopyTo(merged[(VirtioNetHeader.Size + nextInfo.IpHeaderLength + 14)..]);
        return used + payload.Length;
    }

    /// <summary>Turns the bytes written by <see cref="WriteHead"/>/<see cref="WriteNext"/> into a
    /// GSO packet for the tun: IP length and checksum, PSH if the run ended with one, the TCP
    /// checksum field set to the pseudo-header sum (CHECKSUM_PARTIAL) and the virtio header in
    /// front. Returns the length to write, header included.</summary>
    public static int Finish(Span<byte> merged, in TcpRun run)
    {
        var packet = merged.Slice(VirtioNetHeader.Size, run.Length);
        bool ipv6 = packet[0] >> 4 == 6;
        int ip = ipv6 ? Ipv6Header.Length : Ipv4Header.MinLength;
        var tcpLength = (packet[ip + 12] >> 4) * 4;
        if (ipv6)
        {
            Ipv6Header.SetPayloadLength(packet, run.Length - Ipv6Header.Length);
        }
        else
        {
            Ipv4Header.SetTotalLength(packet, run.Length);
            Ipv4Header.UpdateChecksum(packet);
        }
        var tcp = packet[ip..];
        if (run.Push) tcp[13] |= FlagPsh;
        var pseudo = InternetChecksum.Fold(ipv6
            ? Ipv6Header.PseudoHeader(packet, InternetChecksum.ProtocolTcp, tcp.Length)
            : InternetChecksum.PseudoHeader(packet, InternetChecksum.ProtocolTcp, tcp.Length));
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], pseudo);
        new VirtioNetHeader(VirtioNetHeader.FlagNeedsChecksum, ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4,
            (ushort)(ip + tcpLength), (ushort)run.SegmentSize, (ushort)ip,
            VirtioNetHeader.TcpChecksumOffset).Write(merged);
        return VirtioNetHeader.Size + run.Length;
    }
}
