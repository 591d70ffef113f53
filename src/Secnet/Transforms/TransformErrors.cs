namespace Secnet.Transforms;

/// <summary>secnet's exact error texts (crypto.md §3.5, §4.4, §5); the site logs them verbatim.</summary>
public static class TransformErrors
{
    public const string Unkeyed = "transform unkeyed";
    public const string CbcTooShort = "msg too short";
    public const string CbcNotBlockMultiple = "msg not multiple of cipher blocksize";
    public const string CbcInvalidMac = "invalid MAC";
    public const string CbcInvalidPadding = "pkcs5: invalid length";
    public const string EaxTooShort = "ciphertext or plaintext too short";
    public const string EaxDecryptionFailed = "EAX decryption failed";
    public const string SequenceTooMuchSkew = "seqnum: too much skew";
    public const string SequenceDuplicate = "seqnum: duplicate";
}
