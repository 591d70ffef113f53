using Secnet.Transforms;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The replay window against a model written from the rule itself (crypto.md §5): a number less
/// than 0x8fffffff ahead of the newest is new; an older one is accepted while fewer than
/// max-sequence-skew behind; with dedupe, a number seen before among the newest 32 is refused.
/// Input: skew (1 byte), dedupe (1 byte), initial (4 bytes), then 4-byte sequence numbers, each
/// optionally taken relative to the newest so runs of nearby numbers are easy to reach.
/// </summary>
internal sealed class ReplayWindowTarget : IFuzzTarget
{
    public string Name => "replay-window";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        bool dedupe = (r.U8() & 1) != 0;
        uint skew = r.U8();
        if (dedupe) skew %= 32;
        uint initial = r.U32();
        var window = new ReplayWindow(skew, dedupe, initial);
        var model = new Model(skew, dedupe, initial);
        while (r.Remaining > 0)
        {
            uint raw = r.U32();
            // Top bit clear: an offset from the newest (-128..+127) in the low byte.
            uint sequence = (raw & 0x80000000) == 0 ? model.Last + (uint)(sbyte)(byte)raw : raw;
            var expected = model.Check(sequence);
            var actual = window.Check(sequence, out var error);
            FuzzInvariantException.Check(actual == expected, $"seq {sequence:x8}: window says {actual}, model {expected}");
            FuzzInvariantException.Check((actual == TransformResult.Ok) == (error is null), "error text iff refused");
            FuzzInvariantException.Check(window.Last == model.Last, "newest number");
        }
    }

    /// <summary>The rule with a plain set of accepted numbers instead of a bit map.</summary>
    private sealed class Model(uint maxSkew, bool dedupe, uint initial)
    {
        private readonly HashSet<uint> _seen = [];

        public uint Last { get; private set; } = initial;

        public TransformResult Check(uint sequence)
        {
            if (sequence - Last < 0x8fffffffu)
            {
                Last = sequence;
                _seen.RemoveWhere(s => Last - s >= 32);
            }
            else if (Last - sequence >= maxSkew)
            {
                return TransformResult.SequenceRange;
            }
            if (dedupe && !_seen.Add(sequence)) return TransformResult.SequenceDuplicate;
            return TransformResult.Ok;
        }
    }
}
