namespace Secnet.Transforms;

/// <summary>The <c>eax-serpent</c> transform (crypto.md §4): EAX over standard Serpent, key = SHA-512 of the DH key bytes.</summary>
public sealed class EaxSerpentTransform : ITransform
{
    public EaxSerpentTransform(EaxSerpentOptions options)
    {
        if (options.Validate() is { } error)
            throw new ArgumentException(error, nameof(options));
        Options = options;
    }

    public EaxSerpentOptions Options { get; }

    public TransformCounters Counters { get; } = new();

    public string Name => "eax-serpent";

    public int CapabilityBit => Options.CapabilityBit;

    /// <summary>0: the whole DH output (ceil_len bytes).</summary>
    public int KeyLength => 0;

    /// <summary>Padding (at most one rounding unit), tag and the clear sequence number.</summary>
    public int MaxTrailer => Options.EffectivePaddingRounding + Options.TagLength + 4;

    public ITransformInstance CreateInstance() => new EaxSerpentInstance(this);
}
