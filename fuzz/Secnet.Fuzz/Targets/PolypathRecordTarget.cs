using Secnet.Comm;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The privileged helper's records as the daemon decodes them. A record that decodes must encode
/// and decode to the same record (when it fits), and decoding never throws.
/// </summary>
internal sealed class PolypathRecordTarget : IFuzzTarget
{
    public string Name => "polypath-record";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (!PolypathPrivsepRecord.TryDecode(input, out var record))
        {
            FuzzInvariantException.Check(input.IsEmpty || !Enum.IsDefined((PolypathPrivsepKind)input[0]), "a known kind refused");
            return;
        }
        FuzzInvariantException.Check(!record.First.Contains('\0', StringComparison.Ordinal) && !record.Second.Contains('\0', StringComparison.Ordinal)
            && !record.Third.Contains('\0', StringComparison.Ordinal), "fields stop at NUL");
        var encoded = record.Encode();
        FuzzInvariantException.Check(encoded.Length <= PolypathPrivsepRecord.MaxLength, "record size bound");
        if (encoded.Length == PolypathPrivsepRecord.MaxLength) return;
        FuzzInvariantException.Check(PolypathPrivsepRecord.TryDecode(encoded, out var again) && again == record, "record round trip");
    }
}
