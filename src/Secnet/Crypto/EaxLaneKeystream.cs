using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Secnet.Crypto;

/// <summary>
/// EAX's CTR step for several messages at once: keystream blocks of all messages are packed into
/// full 8-block SIMD passes, so short packets do not each waste a mostly empty pass. XORs the
/// keystream into each message in place; results are exactly those of <see cref="Eax"/>'s own CTR.
/// </summary>
internal ref struct EaxLaneKeystream
{
    private const int Block = Serpent.BlockSize;
    private const int Pending = Serpent.Lanes;

    private readonly IBlockCipher128 _cipher;
    private readonly EaxCounterStep _step;
    private readonly Span<byte> _counters;
    private readonly Span<byte> _keystream;
    private PendingArrays _arrays;
    private PendingInts _offsets;
    private PendingInts _lengths;
    private int _pending;

    /// <param name="scratch">At least 2 x 8 x 16 bytes of working space.</param>
    public EaxLaneKeystream(Eax eax, Span<byte> scratch)
    {
        _cipher = eax.Cipher;
        _step = eax.Step;
        _counters = scratch[..(Pending * Block)];
        _keystream = scratch.Slice(Pending * Block, Pending * Block);
        _pending = 0;
    }

    /// <summary>Encrypts or decrypts <paramref name="array"/>[offset, offset+length) in place, starting
    /// from counter <paramref name="initialCounter"/> (the nonce MAC). Call <see cref="Flush"/> at the end.</summary>
    public void Add(byte[] array, int offset, int length, ReadOnlySpan<byte> initialCounter)
    {
        Span<byte> counter = stackalloc byte[Block];
        initialCounter[..Block].CopyTo(counter);
        for (int done = 0; done < length; done += Block)
        {
            counter.CopyTo(_counters.Slice(_pending * Block, Block));
            Eax.StepCounter(counter, _step);
            _arrays[_pending] = array;
            _offsets[_pending] = offset + done;
            _lengths[_pending] = Math.Min(Block, length - done);
            if (++_pending == Pending)
                Flush();
        }
    }

    public void Flush()
    {
        if (_pending == 0)
            return;
        _cipher.EncryptBlocks(_counters[..(_pending * Block)], _keystream);
        for (int i = 0; i < _pending; i++)
        {
            var target = _arrays[i].AsSpan(_offsets[i], _lengths[i]);
            Xor.Bytes(target, _keystream.Slice(i * Block, Block), target);
        }
        _pending = 0;
        CryptographicOperations.ZeroMemory(_keystream);
    }

    [InlineArray(Pending)]
    private struct PendingArrays
    {
        private byte[] _element;
    }

    [InlineArray(Pending)]
    private struct PendingInts
    {
        private int _element;
    }
}
