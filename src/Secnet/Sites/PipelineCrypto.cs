using Secnet.Packets;
using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>
/// The crypto step of the batched data path: a whole queue of one site through one key, handed to
/// the transform's batch API (packets side by side in SIMD lanes). The caller takes the sequence
/// numbers in queue order under the site's send lock, so a batch seal, on whatever thread, is
/// indistinguishable on the wire from sealing the packets one by one.
/// </summary>
internal static class PipelineCrypto
{
    /// <summary>Seals every packet in place with its sequence number.</summary>
    public static void Seal(ITransformInstance transform, Span<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        // A lone packet (ping, ACK) would leave seven lanes idle: the one-packet path is quicker.
        if (packets.Length == 1) results[0] = transform.Seal(packets[0], sequences[0]);
        else transform.SealBatch(packets, sequences, results);
    }

    /// <summary>Opens every packet in place; the replay window is not touched (the caller checks
    /// the sequence numbers afterwards, in order).</summary>
    public static void Open(ITransformInstance transform, Span<PacketBuffer> packets, Span<uint> sequences,
        Span<TransformResult> results, Span<string?> errors)
    {
        if (packets.Length == 1) results[0] = transform.Open(packets[0], out sequences[0], out errors[0]);
        else transform.OpenBatch(packets, sequences, results, errors);
    }
}
