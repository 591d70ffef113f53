using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;
using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>
/// Serpent with a 1..32-byte key (secnet always uses 32) in either byte order. Table-free bitsliced
/// S-boxes, so no secret-dependent memory access. Once constructed the instance is read-only and may
/// be used from several threads at once. <see cref="EncryptBlocks"/>/<see cref="DecryptBlocks"/> use
/// AVX2 (8 blocks per pass) or SSE2 (4 blocks) when available; the results are identical to the scalar path.
/// </summary>
public sealed class Serpent : IBlockCipher128, IDisposable
{
    public const int BlockSize = 16;

    /// <summary>Blocks processed side by side by <see cref="EncryptLanes"/> (one per AVX2 lane).</summary>
    public const int Lanes = 8;

    private readonly uint[] _encryptKeys = new uint[SerpentRounds.SubkeyWords];
    private readonly uint[] _decryptKeys = new uint[SerpentRounds.SubkeyWords];

    public Serpent(ReadOnlySpan<byte> key, SerpentByteOrder order)
    {
        if (key.Length is 0 or > 32)
            throw new ArgumentException("Serpent key must be 1..32 bytes", nameof(key));
        Order = order;
        Span<byte> padded = stackalloc byte[32];
        padded.Clear();
        if (order == SerpentByteOrder.Standard)
        {
            key.CopyTo(padded);
        }
        else
        {
            for (int i = 0; i < key.Length; i++)
                padded[i] = key[key.Length - 1 - i];
        }
        // Short keys get the specification's padding: a single 1 bit just above the key's last bit.
        if (key.Length < 32)
            padded[key.Length] = 1;
        Span<uint> words = stackalloc uint[8];
        for (int i = 0; i < 8; i++)
            words[i] = BinaryPrimitives.ReadUInt32LittleEndian(padded[(4 * i)..]);
        SerpentRounds.ExpandKey(words, _encryptKeys, _decryptKeys);
        CryptographicOperations.ZeroMemory(padded);
        words.Clear();
    }

    public SerpentByteOrder Order { get; }

    internal ReadOnlySpan<uint> EncryptKeys => _encryptKeys;

    internal ReadOnlySpan<uint> DecryptKeys => _decryptKeys;

    public void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        SerpentBlockIo.Load(input, Order, out var a, out var b, out var c, out var d);
        SerpentKernels.Encrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(_encryptKeys));
        SerpentBlockIo.Store(output, Order, a, b, c, d);
    }

    public void DecryptBlock(ReadOnlySpan<byte> input, Span<byte> output)
    {
        SerpentBlockIo.Load(input, Order, out var a, out var b, out var c, out var d);
        SerpentKernels.Decrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(_decryptKeys));
        SerpentBlockIo.Store(output, Order, a, b, c, d);
    }

    public void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) => Blocks(input, output, encrypt: true);

    public void DecryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) => Blocks(input, output, encrypt: false);

    /// <summary>Encrypts exactly <see cref="Lanes"/> independent blocks (128 bytes) in one SIMD pass; the
    /// building block for encrypting several packets' CBC/OMAC chains side by side.</summary>
    public void EncryptLanes(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length != Lanes * BlockSize || output.Length < input.Length)
            throw new ArgumentException("EncryptLanes takes exactly 8 blocks");
        Blocks(input, output, encrypt: true);
    }

    private void Blocks(ReadOnlySpan<byte> input, Span<byte> output, bool encrypt) =>
        Blocks(input, output, encrypt, SerpentKernel.Active);

    /// <summary>Whole blocks with the given kernel and the lower ones for the remainder; the
    /// kernel must be one the CPU supports (<see cref="SerpentKernel.Best"/> or lower).</summary>
    internal void Blocks(ReadOnlySpan<byte> input, Span<byte> output, bool encrypt, SerpentKernelKind kernel)
    {
        if (input.Length % BlockSize != 0 || output.Length < input.Length)
            throw new ArgumentException("input must be whole blocks and output at least as long");
        int done = 0;
        if (kernel == SerpentKernelKind.Avx2 && Avx2.IsSupported)
            done = SerpentSimd.Blocks8(encrypt ? _encryptKeys : _decryptKeys, Order, input, output, encrypt);
        if (kernel >= SerpentKernelKind.Sse && Sse2.IsSupported && Ssse3.IsSupported)
            done += SerpentSimd.Blocks4(encrypt ? _encryptKeys : _decryptKeys, Order, input[done..], output[done..], encrypt);
        BlocksScalar(input[done..], output[done..], encrypt);
    }

    internal void BlocksScalar(ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        for (int i = 0; i < input.Length; i += BlockSize)
        {
            if (encrypt)
                EncryptBlock(input.Slice(i, BlockSize), output.Slice(i, BlockSize));
            else
                DecryptBlock(input.Slice(i, BlockSize), output.Slice(i, BlockSize));
        }
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_encryptKeys.AsSpan()));
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_decryptKeys.AsSpan()));
    }
}
