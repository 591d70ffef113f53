using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Secnet.Crypto;

/// <summary>
/// Writes the next run of CTR counter blocks. Under secnet's step (crypto.md §2.1) a carry leaves the
/// last byte only when that byte WAS zero, so while the last byte of the first counter is 1..249 the
/// next eight counters differ from it only in that byte (+0..+7, wrapping within the byte): one
/// vector add builds all eight. Other starting bytes, other steps and short runs step one at a time.
/// </summary>
internal static class EaxCounterBlocks
{
    private const int Block = 16;
    private const int Wide = 8;

    /// <summary>Block j (j = 0..7) has j in its last byte, zeros elsewhere.</summary>
    private static ReadOnlySpan<byte> Increments =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7,
    ];

    /// <summary>Writes <paramref name="blocks"/> counters starting at <paramref name="counter"/> into
    /// <paramref name="destination"/> and leaves <paramref name="counter"/> at the one after them.</summary>
    public static void Fill(Span<byte> counter, Span<byte> destination, int blocks, EaxCounterStep step)
    {
        if (blocks == Wide && step == EaxCounterStep.Secnet && counter[Block - 1] is >= 1 and <= 249)
        {
            var start = Vector128.Create((ReadOnlySpan<byte>)counter[..Block]);
            var pair = Vector256.Create(start, start);
            ref byte inc = ref MemoryMarshal.GetReference(Increments);
            var out0 = destination[..(Wide * Block)];
            for (int i = 0; i < Wide * Block; i += 32)
                (pair + Vector256.LoadUnsafe(ref inc, (nuint)i)).CopyTo(out0[i..]);
            out0[((Wide - 1) * Block)..].CopyTo(counter);
            Eax.StepCounter(counter, step);
            return;
        }
        for (int i = 0; i < blocks; i++)
        {
            counter[..Block].CopyTo(destination[(i * Block)..]);
            Eax.StepCounter(counter, step);
        }
    }
}
