using Secnet.Packets;

namespace Secnet.Transforms;

/// <summary>
/// The batch half of a transform instance: splits a batch into groups of at most
/// <see cref="TransformBatch.MaxLanes"/> packets, one per SIMD lane, for the transform's own
/// lane implementation. Shared so both transforms cut batches the same way.
/// </summary>
internal abstract class LaneTransformInstance
{
    public void SealBatch(ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        for (int start = 0; start < packets.Length; start += TransformBatch.MaxLanes)
        {
            int n = Math.Min(TransformBatch.MaxLanes, packets.Length - start);
            SealLanes(packets.Slice(start, n), sequences.Slice(start, n), results.Slice(start, n));
        }
    }

    public void OpenBatch(ReadOnlySpan<PacketBuffer> packets, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        for (int start = 0; start < packets.Length; start += TransformBatch.MaxLanes)
        {
            int n = Math.Min(TransformBatch.MaxLanes, packets.Length - start);
            OpenLanes(packets.Slice(start, n), sequences.Slice(start, n), results.Slice(start, n), errors.Slice(start, n));
        }
    }

    /// <summary>Seals up to <see cref="TransformBatch.MaxLanes"/> packets.</summary>
    protected abstract void SealLanes(ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results);

    /// <summary>Opens up to <see cref="TransformBatch.MaxLanes"/> packets.</summary>
    protected abstract void OpenLanes(ReadOnlySpan<PacketBuffer> packets, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors);
}
