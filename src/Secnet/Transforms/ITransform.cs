using Secnet.Packets;

namespace Secnet.Transforms;

/// <summary>Result of a transform operation; numeric values are 0.6.7's return codes.</summary>
public enum TransformResult
{
    Ok = 0,
    /// <summary>Malformed, wrong tag/MAC, bad padding: try other keys, then NAK.</summary>
    Error = 1,
    /// <summary>"seqnum: too much skew": drop.</summary>
    SequenceRange = 2,
    /// <summary>"seqnum: duplicate": drop, but proves the peer's address works.</summary>
    SequenceDuplicate = 3,
}

/// <summary>
/// A configured transform (the TRANSFORM closure value, e.g. <c>eax-serpent {...}</c>):
/// immutable parameters shared by every key of every site that uses it.
/// </summary>
public interface ITransform
{
    /// <summary>Name used in logs: "eax-serpent" or "serpent256-cbc".</summary>
    string Name { get; }

    /// <summary>Capability bit number advertised in MSG1-4 (<c>capab-num</c>).</summary>
    int CapabilityBit { get; }

    /// <summary>Key bytes wanted from the DH exchange; 0 = the whole DH output (ceil_len).</summary>
    int KeyLength { get; }

    /// <summary>Worst-case bytes Forward adds at the end of a packet (padding, tag, sequence).</summary>
    int MaxTrailer { get; }

    /// <summary>A fresh, unkeyed instance for one key exchange.</summary>
    ITransformInstance CreateInstance();
}

/// <summary>
/// One keyed instance (one session key). Split so crypto can run on other threads:
/// sequence numbers are assigned and the replay window is updated by one caller at a time, in
/// order (the site holds its send or its receive lock, on whichever thread the packet is);
/// <see cref="Seal"/> and <see cref="Open"/> only read the key and may run in parallel.
/// No method throws on bad input; none allocates per packet.
/// </summary>
public interface ITransformInstance : IDisposable
{
    /// <summary>Keys the instance. <paramref name="direction"/> is true iff our name sorts after the peer's.</summary>
    void SetKey(ReadOnlySpan<byte> key, bool direction);

    bool IsKeyed { get; }

    /// <summary>Next send sequence number (not thread-safe: one caller at a time, the site under
    /// its send lock; wraps mod 2^32).</summary>
    uint NextSendSequence();

    /// <summary>Sequence numbers handed out by <see cref="NextSendSequence"/> since the key was
    /// set, i.e. nonces or IVs used (<see cref="SequenceBudget"/>).</summary>
    uint SequencesUsed { get; }

    /// <summary>Encrypts the packet in place with the given sequence number (thread-safe).</summary>
    TransformResult Seal(PacketBuffer packet, uint sequence);

    /// <summary>Authenticates and decrypts in place, leaving the plaintext; returns the sequence
    /// number for <see cref="CheckSequence"/> (thread-safe). <paramref name="error"/> is secnet's text.</summary>
    TransformResult Open(PacketBuffer packet, out uint sequence, out string? error);

    /// <summary>Replay-window check and update (not thread-safe: one caller at a time, the site
    /// under its receive lock).</summary>
    TransformResult CheckSequence(uint sequence, out string? error);

    /// <summary>
    /// Seals several packets of this key at once: results[i] = Seal(packets[i], sequences[i]), with
    /// identical bytes and counters. Implementations process up to <see cref="TransformBatch.MaxLanes"/>
    /// packets side by side (one per SIMD lane), which pays off for the serial CBC/OMAC chains, so
    /// callers should hand over whatever is queued rather than one packet at a time. Thread-safe like
    /// <see cref="Seal"/>; allocates nothing. Spans must be at least as long as <paramref name="packets"/>.
    /// </summary>
    void SealBatch(ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        for (int i = 0; i < packets.Length; i++)
            results[i] = Seal(packets[i], sequences[i]);
    }

    /// <summary>
    /// Opens several packets of this key at once: results[i] = Open(packets[i], out sequences[i],
    /// out errors[i]), with identical bytes, counters and error texts (a failed packet is left as
    /// <see cref="Open"/> would leave it). Bad packets may be mixed with good ones; they do not
    /// affect the others. Sequence checks stay with the caller (<see cref="CheckSequence"/>, in order).
    /// </summary>
    void OpenBatch(ReadOnlySpan<PacketBuffer> packets, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        for (int i = 0; i < packets.Length; i++)
            results[i] = Open(packets[i], out sequences[i], out errors[i]);
    }

    /// <summary>Seal with the next sequence number: the single-threaded path.</summary>
    TransformResult Forward(PacketBuffer packet) => Seal(packet, NextSendSequence());

    /// <summary>Open then check the sequence: the single-threaded path.</summary>
    TransformResult Reverse(PacketBuffer packet, out string? error)
    {
        var r = Open(packet, out uint seq, out error);
        return r != TransformResult.Ok ? r : CheckSequence(seq, out error);
    }
}

/// <summary>Sizing for <see cref="ITransformInstance.SealBatch"/> and <see cref="ITransformInstance.OpenBatch"/>.</summary>
public static class TransformBatch
{
    /// <summary>Packets processed side by side in one pass (AVX2: eight 32-bit lanes). Larger batches
    /// are accepted and split; a batch of this size gets the full benefit.</summary>
    public const int MaxLanes = 8;
}
