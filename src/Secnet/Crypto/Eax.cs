using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>
/// EAX authenticated encryption (Bellare, Rogaway, Wagner) over any 128-bit block cipher, with
/// secnet's CTR counter step by default. Thread-safe after construction; allocates nothing per call.
/// Plaintext and ciphertext may be the same memory (in-place).
/// </summary>
public sealed class Eax : IDisposable
{
    public const int BlockSize = 16;
    public const int MaxTagLength = 16;

    /// <summary>Keystream blocks generated per batch: one AVX2 Serpent pass.</summary>
    private const int BatchBlocks = 8;

    private readonly IBlockCipher128 _cipher;
    private readonly Cmac _omac;
    private readonly EaxCounterStep _step;
    private readonly byte[] _emptyHeaderMac = new byte[BlockSize];

    public Eax(IBlockCipher128 cipher, int tagLength = MaxTagLength, EaxCounterStep step = EaxCounterStep.Secnet)
    {
        if (tagLength is < 1 or > MaxTagLength)
            throw new ArgumentOutOfRangeException(nameof(tagLength), "EAX tag length must be 1..16");
        _cipher = cipher;
        _omac = new Cmac(cipher);
        _step = step;
        TagLength = tagLength;
        // secnet never sends a header, so its OMAC is a per-key constant.
        _omac.ComputeTweaked(1, default, _emptyHeaderMac);
    }

    public int TagLength { get; }

    /// <summary>The OMAC, for callers that run several messages' OMACs side by side.</summary>
    internal Cmac Omac => _omac;

    internal IBlockCipher128 Cipher => _cipher;

    internal EaxCounterStep Step => _step;

    /// <summary>The tag for nonce MAC <paramref name="nonceMac"/>, empty header and ciphertext MAC
    /// <paramref name="ciphertextMac"/> (both full OMAC outputs), truncated to <see cref="TagLength"/>.</summary>
    internal void CombineTag(ReadOnlySpan<byte> nonceMac, ReadOnlySpan<byte> ciphertextMac, Span<byte> tag)
    {
        Span<byte> t = stackalloc byte[BlockSize];
        Xor.Block(ciphertextMac, nonceMac, t);
        Xor.Block(t, _emptyHeaderMac, t);
        t[..TagLength].CopyTo(tag);
    }

    /// <summary>ciphertext = CTR(plaintext) (same length); tag = first TagLength bytes of the EAX tag.</summary>
    public void Encrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> header, ReadOnlySpan<byte> plaintext,
        Span<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> n = stackalloc byte[BlockSize];
        Span<byte> t = stackalloc byte[BlockSize];
        _omac.ComputeTweaked(0, nonce, n);
        Ctr(n, plaintext, ciphertext);
        ComputeTag(n, header, ciphertext[..plaintext.Length], t);
        t[..TagLength].CopyTo(tag);
    }

    /// <summary>Checks the tag in constant time and only then decrypts; false (plaintext untouched) on mismatch.</summary>
    public bool Decrypt(ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> header, ReadOnlySpan<byte> ciphertext,
        ReadOnlySpan<byte> tag, Span<byte> plaintext)
    {
        if (tag.Length != TagLength)
            return false;
        Span<byte> n = stackalloc byte[BlockSize];
        Span<byte> t = stackalloc byte[BlockSize];
        _omac.ComputeTweaked(0, nonce, n);
        ComputeTag(n, header, ciphertext, t);
        if (!CryptographicOperations.FixedTimeEquals(t[..TagLength], tag))
            return false;
        Ctr(n, ciphertext, plaintext);
        return true;
    }

    private void ComputeTag(ReadOnlySpan<byte> nonceMac, ReadOnlySpan<byte> header, ReadOnlySpan<byte> ciphertext, Span<byte> tag)
    {
        Span<byte> h = stackalloc byte[BlockSize];
        if (header.IsEmpty)
            _emptyHeaderMac.CopyTo(h);
        else
            _omac.ComputeTweaked(1, header, h);
        _omac.ComputeTweaked(2, ciphertext, tag);
        Xor.Block(tag, nonceMac, tag);
        Xor.Block(tag, h, tag);
    }

    private void Ctr(ReadOnlySpan<byte> initialCounter, ReadOnlySpan<byte> input, Span<byte> output)
    {
        Span<byte> counter = stackalloc byte[BlockSize];
        Span<byte> counters = stackalloc byte[BatchBlocks * BlockSize];
        Span<byte> keystream = stackalloc byte[BatchBlocks * BlockSize];
        initialCounter.CopyTo(counter);
        for (int offset = 0; offset < input.Length; offset += BatchBlocks * BlockSize)
        {
            int n = Math.Min(BatchBlocks * BlockSize, input.Length - offset);
            int blocks = (n + BlockSize - 1) / BlockSize;
            EaxCounterBlocks.Fill(counter, counters, blocks, _step);
            _cipher.EncryptBlocks(counters[..(blocks * BlockSize)], keystream);
            Xor.Bytes(input.Slice(offset, n), keystream, output[offset..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void StepCounter(Span<byte> c, EaxCounterStep step)
    {
        if (step == EaxCounterStep.Secnet)
        {
            for (int j = BlockSize - 1; j >= 0; j--)
            {
                byte old = c[j];
                c[j] = (byte)(old + 1);
                if (old != 0)
                    break;
            }
        }
        else
        {
            for (int j = BlockSize - 1; j >= 0; j--)
            {
                if (++c[j] != 0)
                    break;
            }
        }
    }

    public void Dispose()
    {
        _omac.Dispose();
        CryptographicOperations.ZeroMemory(_emptyHeaderMac);
    }
}
