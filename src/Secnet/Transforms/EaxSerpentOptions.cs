namespace Secnet.Transforms;

/// <summary>
/// Parameters of <c>eax-serpent { ... }</c> (crypto.md §4.1). <paramref name="Dedupe"/> null means
/// secnet's default: on iff max-sequence-skew &lt; 32. PaddingRounding 0 is accepted and means 1.
/// </summary>
public sealed record EaxSerpentOptions(
    uint MaxSequenceSkew = 10,
    bool? Dedupe = null,
    int TagLength = 16,
    int PaddingRounding = 16,
    int CapabilityBit = EaxSerpentDefaults.CapabilityBit)
{
    public bool EffectiveDedupe => Dedupe ?? MaxSequenceSkew < 32;

    public int EffectivePaddingRounding => PaddingRounding == 0 ? 1 : PaddingRounding;

    /// <summary>secnet's config error text for the first bad value, or null if all are acceptable.</summary>
    public string? Validate()
    {
        if (EffectiveDedupe && MaxSequenceSkew >= 32)
            return "cannot dedupe with max-sequence-skew>=32";
        if (TagLength is < 1 or > 16)
            return "tag-length-bytes out of range 0..16";
        if (PaddingRounding > 255)
            return "padding-round must be 1..128";
        if (PaddingRounding < 0 || (PaddingRounding & (PaddingRounding - 1)) != 0)
            return "padding-round not a power of two";
        if (CapabilityBit is < 0 or > 15)
            return "capab-num out of range 0..15";
        return null;
    }
}
