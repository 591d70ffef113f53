using System.Numerics;

namespace Secnet.Crypto;

/// <summary>The fields of an SSH-1 private key file, in file order (protocol.md Appendix A).</summary>
public sealed record Ssh1PrivateKeyComponents(
    uint KeyBits,
    BigInteger N,
    BigInteger E,
    string Comment,
    BigInteger D,
    BigInteger Iqmp,
    BigInteger Q,
    BigInteger P);
