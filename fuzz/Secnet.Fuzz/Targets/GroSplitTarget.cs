using Secnet.Comm;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// UDP GRO splitting. Input: length (4), segment size (4), buffer limit (4). A real message must
/// split into pieces that are contiguous, non-empty, no longer than the segment size, all full
/// but the last, and cover it exactly; an impossible one (count 0) must be refused.
/// </summary>
internal sealed class GroSplitTarget : IFuzzTarget
{
    public string Name => "gro-split";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        while (r.Remaining > 0)
        {
            int length = (int)r.U32();
            int segmentSize = (int)r.U32();
            int maxSegment = (int)r.U32();
            int count = GroSplit.Count(length, segmentSize, maxSegment);
            bool real = length > 0 && segmentSize > 0 && segmentSize <= maxSegment;
            FuzzInvariantException.Check(real == (count > 0), "count is 0 exactly for impossible messages");
            if (count == 0) continue;
            FuzzInvariantException.Check((long)(count - 1) * segmentSize < length && (long)count * segmentSize >= length, "count");
            // Only the ends: a 1-byte segment size gives a count as large as the length.
            foreach (int i in (ReadOnlySpan<int>)[0, count - 1, count / 2])
            {
                var (offset, piece) = GroSplit.Segment(length, segmentSize, i);
                FuzzInvariantException.Check(offset == (long)i * segmentSize, "pieces are contiguous");
                FuzzInvariantException.Check(piece > 0 && piece <= segmentSize, "piece length");
                FuzzInvariantException.Check(i == count - 1 ? offset + piece == length : piece == segmentSize, "only the last is short");
            }
        }
    }
}
