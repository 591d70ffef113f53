namespace Secnet.Transforms;

/// <summary>
/// How many packets one key may seal. Both transforms derive the per-packet nonce (EAX) or IV
/// (CBC) from a 32-bit sequence number, so after 2^32 packets under one key a nonce would repeat,
/// which for EAX gives the keystream away. At 1 Gbit/s of full-size packets (~90,000 a second)
/// that is 13 hours: within a mobile site's default key lifetime of 48 hours. So a site asks for a
/// new key once half the numbers are used (6.6 hours at that rate, plenty of time for an exchange)
/// and refuses to seal once all but a margin are, until the new key comes.
/// </summary>
public static class SequenceBudget
{
    /// <summary>Packets sealed under one key after which the site starts a key exchange.</summary>
    public const uint Renegotiate = 1u << 31;

    /// <summary>Packets sealed under one key after which the site drops, rather than seals, what
    /// it has to send: 2^32 less a margin the batch sizes cannot cross.</summary>
    public const uint Refuse = uint.MaxValue - (1u << 16);
}
