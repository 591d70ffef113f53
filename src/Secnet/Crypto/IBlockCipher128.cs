namespace Secnet.Crypto;

/// <summary>
/// A 128-bit block cipher in the encrypt direction, as CMAC/EAX/CTR need it. Implementations must be
/// safe to call from several threads at once once keyed (they only read the key schedule).
/// </summary>
public interface IBlockCipher128
{
    /// <summary>Encrypts one 16-byte block; <paramref name="output"/> may be the same memory as <paramref name="input"/>.</summary>
    void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output);

    /// <summary>Encrypts whole independent blocks (ECB); lengths are a multiple of 16; in place allowed.
    /// Implementations use SIMD here, so callers batch independent blocks (CTR keystream).</summary>
    void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output);
}
