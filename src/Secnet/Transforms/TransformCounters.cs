namespace Secnet.Transforms;

/// <summary>
/// Per-outcome packet counts of one configured transform, shared by all its keyed instances. Updated
/// with Interlocked because Seal/Open run on worker threads; read for statistics and tests.
/// </summary>
public sealed class TransformCounters
{
    private long _sealed, _opened, _unkeyed, _noRoom, _badLength, _badTag, _badPadding, _sequenceRange, _sequenceDuplicate;

    /// <summary>Packets encrypted.</summary>
    public long Sealed => Interlocked.Read(ref _sealed);
    /// <summary>Packets that authenticated, decrypted and passed the sequence check.</summary>
    public long Opened => Interlocked.Read(ref _opened);
    /// <summary>Calls on an instance that has no key.</summary>
    public long Unkeyed => Interlocked.Read(ref _unkeyed);
    /// <summary>Seal calls whose buffer lacked head- or tailroom.</summary>
    public long NoRoom => Interlocked.Read(ref _noRoom);
    /// <summary>Received packets too short or not a whole number of blocks.</summary>
    public long BadLength => Interlocked.Read(ref _badLength);
    /// <summary>Received packets whose MAC or EAX tag did not verify.</summary>
    public long BadTag => Interlocked.Read(ref _badTag);
    /// <summary>Authenticated packets with impossible padding.</summary>
    public long BadPadding => Interlocked.Read(ref _badPadding);
    /// <summary>"seqnum: too much skew".</summary>
    public long SequenceRange => Interlocked.Read(ref _sequenceRange);
    /// <summary>"seqnum: duplicate".</summary>
    public long SequenceDuplicate => Interlocked.Read(ref _sequenceDuplicate);

    internal void CountSealed() => Interlocked.Increment(ref _sealed);
    internal void CountOpened() => Interlocked.Increment(ref _opened);
    internal void CountUnkeyed() => Interlocked.Increment(ref _unkeyed);
    internal void CountNoRoom() => Interlocked.Increment(ref _noRoom);
    internal void CountBadLength() => Interlocked.Increment(ref _badLength);
    internal void CountBadTag() => Interlocked.Increment(ref _badTag);
    internal void CountBadPadding() => Interlocked.Increment(ref _badPadding);
    internal void CountSequenceRange() => Interlocked.Increment(ref _sequenceRange);
    internal void CountSequenceDuplicate() => Interlocked.Increment(ref _sequenceDuplicate);
}
