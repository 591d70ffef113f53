namespace Secnet.Netlink;

/// <summary>What the tun offload paths did; thread-safe (the packet loop and crypto workers write).</summary>
public sealed class TunOffloadCounters
{
    private long _segmentsMade;
    private long _packetsCoalesced;
    private long _coalescedWrites;
    private long _malformedReads;
    private long _badChecksums;

    /// <summary>Packets cut from TSO reads (each also counts as a packet read).</summary>
    public long SegmentsMade => Interlocked.Read(ref _segmentsMade);

    /// <summary>Packets that went into the kernel as part of a coalesced GSO write.</summary>
    public long PacketsCoalesced => Interlocked.Read(ref _packetsCoalesced);

    /// <summary>Coalesced GSO writes (each carrying two or more packets).</summary>
    public long CoalescedWrites => Interlocked.Read(ref _coalescedWrites);

    /// <summary>Reads dropped: short virtio header, unknown gso_type, bad lengths, checksum
    /// positions outside the packet, or too big for a pooled buffer.</summary>
    public long MalformedReads => Interlocked.Read(ref _malformedReads);

    /// <summary>TCP packets for the host whose checksum failed, written alone and unchanged.</summary>
    public long BadChecksums => Interlocked.Read(ref _badChecksums);

    internal void AddSegments(int count) => Interlocked.Add(ref _segmentsMade, count);

    internal void AddCoalesced(int packets)
    {
        Interlocked.Add(ref _packetsCoalesced, packets);
        Interlocked.Increment(ref _coalescedWrites);
    }

    internal void Malformed() => Interlocked.Increment(ref _malformedReads);

    internal void BadChecksum() => Interlocked.Increment(ref _badChecksums);
}
