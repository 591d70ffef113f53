namespace Secnet.Crypto;

/// <summary>Constants of the unencrypted OpenSSH protocol-1 private key file.</summary>
public static class Ssh1PrivateKeyFormat
{
    /// <summary>"SSH PRIVATE KEY FILE FORMAT 1.1\n" and its terminating NUL (33 bytes).</summary>
    public static ReadOnlySpan<byte> Magic => "SSH PRIVATE KEY FILE FORMAT 1.1\n\0"u8;

    /// <summary>secnet refuses comments longer than this.</summary>
    public const int MaxCommentLength = 1024;

    /// <summary>secnet refuses any mpint with more bytes than this.</summary>
    public const int MaxMpintBytes = RsaPublicKey.MaxBytes;
}
