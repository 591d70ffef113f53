namespace Secnet.Transforms;

/// <summary>
/// Parameters of <c>serpent256-cbc { ... }</c> (crypto.md §3.1). <paramref name="Dedupe"/> null means
/// secnet's default: on iff max-sequence-skew &lt; 32.
/// </summary>
public sealed record Serpent256CbcOptions(
    uint MaxSequenceSkew = 10,
    bool? Dedupe = null,
    int CapabilityBit = Serpent256CbcDefaults.CapabilityBit)
{
    public bool EffectiveDedupe => Dedupe ?? MaxSequenceSkew < 32;

    /// <summary>secnet's config error text for the first bad value, or null if all are acceptable.</summary>
    public string? Validate()
    {
        if (EffectiveDedupe && MaxSequenceSkew >= 32)
            return "cannot dedupe with max-sequence-skew>=32";
        if (CapabilityBit is < 0 or > 15)
            return "capab-num out of range 0..15";
        return null;
    }
}
