namespace Secnet.Crypto;

/// <summary>The fields of an SSH-1 private key file, in file order (protocol.md Appendix A).</summary>
public sealed record Ssh1PrivateKeyComponents(
    uint KeyBits,
    BigNum N,
    BigNum E,
    string Comment,
    BigNum D,
    BigNum Iqmp,
    BigNum Q,
    BigNum P);
