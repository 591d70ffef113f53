namespace Secnet.Transforms;

/// <summary>The <c>serpent256-cbc</c> transform (crypto.md §3): Serpent (Tnepres order) CBC plus CBC-MAC.</summary>
public sealed class Serpent256CbcTransform : ITransform
{
    /// <summary>Key bytes requested from the DH exchange: two 256-bit keys and three 32-bit words.</summary>
    public const int RequiredKeyLength = 76;

    public Serpent256CbcTransform(Serpent256CbcOptions options)
    {
        if (options.Validate() is { } error)
            throw new ArgumentException(error, nameof(options));
        Options = options;
    }

    public Serpent256CbcOptions Options { get; }

    public TransformCounters Counters { get; } = new();

    public string Name => "serpent256-cbc";

    public int CapabilityBit => Options.CapabilityBit;

    public int KeyLength => RequiredKeyLength;

    /// <summary>Padding (1..16) and the MAC; Forward also needs 8 bytes of headroom (IV word, sequence).</summary>
    public int MaxTrailer => 16 + 16;

    public ITransformInstance CreateInstance() => new Serpent256CbcInstance(this);
}
