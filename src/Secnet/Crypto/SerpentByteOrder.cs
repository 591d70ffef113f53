namespace Secnet.Crypto;

/// <summary>How key and block bytes map to Serpent's 32-bit words (crypto.md §1).</summary>
public enum SerpentByteOrder
{
    /// <summary>secnet "serpent": standard NESSIE order, words little-endian (BouncyCastle SerpentEngine).</summary>
    Standard,

    /// <summary>secnet "serpentbe" / Tnepres: key, input and output byte strings reversed around standard
    /// Serpent (BouncyCastle TnepresEngine). Used by serpent256-cbc.</summary>
    Reversed,
}
