namespace Secnet.Transforms;

/// <summary>
/// secnet's receive-sequence check (crypto.md §5); not thread-safe (the site calls it under its
/// receive lock). Anything less than 0x8fffffff
/// ahead of the newest number is new and moves the window (secnet's constant, not 2^31); older
/// numbers are accepted while fewer than max-sequence-skew behind. With dedupe, a 32-bit map of
/// recently seen numbers rejects repeats. Bit <c>back</c> is used for an old packet: the window
/// secnet intended, not 0.6.7's over-wide shift which tests bit 32-back instead.
/// </summary>
public sealed class ReplayWindow
{
    private const uint NewPacketLimit = 0x8fffffff;

    private readonly uint _maxSkew;
    private readonly bool _dedupe;
    private uint _last;
    private uint _seen;

    public ReplayWindow(uint maxSkew, bool dedupe, uint initial)
    {
        if (dedupe && maxSkew >= 32)
            throw new ArgumentException("cannot dedupe with max-sequence-skew>=32");
        _maxSkew = maxSkew;
        _dedupe = dedupe;
        _last = initial;
    }

    /// <summary>Newest sequence number accepted so far (initially the key's first expected one).</summary>
    public uint Last => _last;

    public TransformResult Check(uint sequence, out string? error)
    {
        uint skew = sequence - _last;
        int bit;
        if (skew < NewPacketLimit)
        {
            _last = sequence;
            _seen = skew >= 32 ? 0 : _seen << (int)skew;
            bit = 0;
        }
        else
        {
            uint back = _last - sequence;
            if (back >= _maxSkew)
            {
                error = TransformErrors.SequenceTooMuchSkew;
                return TransformResult.SequenceRange;
            }
            bit = (int)back;
        }
        if (_dedupe)
        {
            uint mask = 1u << bit;
            if ((_seen & mask) != 0)
            {
                error = TransformErrors.SequenceDuplicate;
                return TransformResult.SequenceDuplicate;
            }
            _seen |= mask;
        }
        error = null;
        return TransformResult.Ok;
    }
}
