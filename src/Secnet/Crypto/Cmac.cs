using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>
/// CMAC (OMAC1) over a 128-bit block cipher, plus EAX's tweaked OMAC^t(M) = CMAC([0^15 t] || M).
/// The chaining state after the tweak block is E([0^15 t]), which depends only on the key, so it is
/// computed once here and each OMAC^t call starts from it. Thread-safe after construction.
/// </summary>
public sealed class Cmac : IDisposable
{
    public const int BlockSize = 16;

    private readonly IBlockCipher128 _cipher;
    private readonly byte[] _b = new byte[BlockSize];   // dbl(L): XORed into a complete last block
    private readonly byte[] _p = new byte[BlockSize];   // dbl(dbl(L)): XORed into a padded last block
    private readonly byte[] _tweakStates = new byte[3 * BlockSize];

    public Cmac(IBlockCipher128 cipher)
    {
        _cipher = cipher;
        Span<byte> l = stackalloc byte[BlockSize];
        l.Clear();
        cipher.EncryptBlock(l, l);
        Double(l, _b);
        Double(_b, _p);
        CryptographicOperations.ZeroMemory(l);
        for (int t = 0; t < 3; t++)
        {
            var state = _tweakStates.AsSpan(t * BlockSize, BlockSize);
            state[BlockSize - 1] = (byte)t;
            cipher.EncryptBlock(state, state);
        }
    }

    /// <summary>Standard CMAC of <paramref name="message"/> into the 16-byte <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> message, Span<byte> mac)
    {
        Span<byte> state = stackalloc byte[BlockSize];
        state.Clear();
        Finish(state, message, mac);
    }

    /// <summary>OMAC^t(M) for t = 0, 1, 2 (EAX nonce, header, ciphertext).</summary>
    public void ComputeTweaked(int tweak, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        Span<byte> state = stackalloc byte[BlockSize];
        if (message.IsEmpty)
        {
            // The tweak block alone is a complete final block.
            state.Clear();
            state[BlockSize - 1] = (byte)tweak;
            Xor.Block(state, _b, state);
            _cipher.EncryptBlock(state, mac);
            return;
        }
        _tweakStates.AsSpan(tweak * BlockSize, BlockSize).CopyTo(state);
        Finish(state, message, mac);
    }

    /// <summary>
    /// Sets lane <paramref name="lane"/> of <paramref name="chains"/> up to compute OMAC^t of
    /// <paramref name="message"/>, which is <paramref name="array"/>[<paramref name="offset"/>..] (or, if at
    /// most one block, any span with <paramref name="array"/> unused). After the chains run, the lane's
    /// state is the MAC, exactly as <see cref="ComputeTweaked"/> would give it.
    /// </summary>
    internal void SetTweakedLane(ref SerpentLaneChains chains, int lane, int tweak, ReadOnlySpan<byte> message, byte[] array, int offset)
    {
        var state = chains.State(lane);
        var last = chains.ExtraBlock(lane);
        if (message.IsEmpty)
        {
            state.Clear();
            last.Clear();
            last[BlockSize - 1] = (byte)tweak;
            Xor.Block(last, _b, last);
            chains.SetLane(lane, array, offset, 0, withExtraBlock: true);
            return;
        }
        _tweakStates.AsSpan(tweak * BlockSize, BlockSize).CopyTo(state);
        int whole = (message.Length - 1) / BlockSize;
        var tail = message[(whole * BlockSize)..];
        if (tail.Length == BlockSize)
        {
            Xor.Block(tail, _b, last);
        }
        else
        {
            last.Clear();
            tail.CopyTo(last);
            last[tail.Length] = 0x80;
            Xor.Block(last, _p, last);
        }
        chains.SetLane(lane, array, offset, whole, withExtraBlock: true);
    }

    /// <summary>CBC-MACs <paramref name="message"/> onto <paramref name="state"/> with CMAC's last-block rule.</summary>
    private void Finish(Span<byte> state, ReadOnlySpan<byte> message, Span<byte> mac)
    {
        while (message.Length > BlockSize)
        {
            Xor.Block(state, message, state);
            _cipher.EncryptBlock(state, state);
            message = message[BlockSize..];
        }
        if (message.Length == BlockSize)
        {
            Xor.Block(state, message, state);
            Xor.Block(state, _b, state);
        }
        else
        {
            Xor.Bytes(state[..message.Length], message, state);
            state[message.Length] ^= 0x80;
            Xor.Block(state, _p, state);
        }
        _cipher.EncryptBlock(state, mac);
    }

    /// <summary>Doubling in GF(2^128), branch-free so the key-derived value leaks no timing.</summary>
    internal static void Double(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int carry = input[0] >> 7;
        for (int i = 0; i < BlockSize - 1; i++)
            output[i] = (byte)((input[i] << 1) | (input[i + 1] >> 7));
        output[BlockSize - 1] = (byte)((input[BlockSize - 1] << 1) ^ (0x87 & -carry));
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_b);
        CryptographicOperations.ZeroMemory(_p);
        CryptographicOperations.ZeroMemory(_tweakStates);
    }
}
