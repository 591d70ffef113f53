namespace Secnet.Crypto;

/// <summary>How EAX's CTR counter block advances between keystream blocks (crypto.md §2.1).</summary>
public enum EaxCounterStep
{
    /// <summary>secnet's step: a byte carries into the next one up when it WAS zero before the
    /// increment. This is what every secnet peer does, so it is the only one used on the wire.</summary>
    Secnet,

    /// <summary>The EAX paper's +1 mod 2^128; kept to show (in tests) that secnet's traffic needs the other.</summary>
    Standard,
}
