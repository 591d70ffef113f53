using System.Buffers.Binary;
using System.Security.Cryptography;
using Secnet.Crypto;
using Secnet.Packets;

namespace Secnet.Transforms;

/// <summary>
/// One eax-serpent session key. Wire layout: EAX(P || zeros || padlen) || tag || BE32(seq); the EAX
/// nonce is BE32(seq) || direction byte, so each direction has its own nonce space (crypto.md §4.2-4.4).
/// </summary>
internal sealed class EaxSerpentInstance(EaxSerpentTransform transform) : ITransformInstance
{
    private const int NonceLength = 5;
    private const int SequenceLength = 4;

    private readonly EaxSerpentOptions _options = transform.Options;
    private readonly TransformCounters _counters = transform.Counters;
    private Serpent? _serpent;
    private Eax? _eax;
    private ReplayWindow? _window;
    private byte _ourDirection;
    private uint _sendSequence;

    public bool IsKeyed => _eax is not null;

    public void SetKey(ReadOnlySpan<byte> key, bool direction)
    {
        Forget();
        Span<byte> h = stackalloc byte[64];
        SHA512.HashData(key, h);
        _serpent = new Serpent(h[..32], SerpentByteOrder.Standard);
        _eax = new Eax(_serpent, _options.TagLength);
        uint seqA = BinaryPrimitives.ReadUInt32BigEndian(h[32..]);
        uint seqB = BinaryPrimitives.ReadUInt32BigEndian(h[36..]);
        CryptographicOperations.ZeroMemory(h);
        _ourDirection = direction ? (byte)1 : (byte)0;
        _sendSequence = direction ? seqB : seqA;
        _window = new ReplayWindow(_options.MaxSequenceSkew, _options.EffectiveDedupe, direction ? seqA : seqB);
    }

    public uint NextSendSequence() => _sendSequence++;

    public TransformResult Seal(PacketBuffer packet, uint sequence)
    {
        var eax = _eax;
        if (eax is null)
        {
            _counters.CountUnkeyed();
            return TransformResult.Error;
        }
        int length = packet.Length;
        int mask = _options.EffectivePaddingRounding - 1;
        int padLength = ((mask - length) & mask) + 1;
        int tagLength = _options.TagLength;
        if (!packet.TryAppend(padLength + tagLength + SequenceLength, out _))
        {
            _counters.CountNoRoom();
            return TransformResult.Error;
        }
        var data = packet.Data;
        var message = data[..(length + padLength)];
        message[length..^1].Clear();
        message[^1] = (byte)padLength;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BinaryPrimitives.WriteUInt32BigEndian(nonce, sequence);
        nonce[4] = _ourDirection;
        eax.Encrypt(nonce, default, message, message, data.Slice(message.Length, tagLength));
        BinaryPrimitives.WriteUInt32BigEndian(data[^SequenceLength..], sequence);
        _counters.CountSealed();
        return TransformResult.Ok;
    }

    public TransformResult Open(PacketBuffer packet, out uint sequence, out string? error)
    {
        sequence = 0;
        var eax = _eax;
        if (eax is null)
        {
            _counters.CountUnkeyed();
            error = TransformErrors.Unkeyed;
            return TransformResult.Error;
        }
        var data = packet.Data;
        if (data.Length < SequenceLength)
        {
            _counters.CountBadLength();
            error = TransformErrors.EaxTooShort;
            return TransformResult.Error;
        }
        sequence = BinaryPrimitives.ReadUInt32BigEndian(data[^SequenceLength..]);
        var sealedPart = data[..^SequenceLength];
        int tagLength = _options.TagLength;
        Span<byte> nonce = stackalloc byte[NonceLength];
        BinaryPrimitives.WriteUInt32BigEndian(nonce, sequence);
        nonce[4] = (byte)(1 - _ourDirection);
        if (sealedPart.Length < tagLength)
        {
            _counters.CountBadLength();
            error = TransformErrors.EaxDecryptionFailed;
            return TransformResult.Error;
        }
        var ciphertext = sealedPart[..^tagLength];
        if (!eax.Decrypt(nonce, default, ciphertext, sealedPart[^tagLength..], ciphertext))
        {
            _counters.CountBadTag();
            error = TransformErrors.EaxDecryptionFailed;
            return TransformResult.Error;
        }
        if (ciphertext.IsEmpty)
        {
            _counters.CountBadPadding();
            error = TransformErrors.EaxTooShort;
            return TransformResult.Error;
        }
        // secnet checks neither the zero bytes nor an upper bound; a length byte of 0 strips nothing.
        int padLength = ciphertext[^1];
        if (ciphertext.Length < padLength)
        {
            _counters.CountBadPadding();
            error = TransformErrors.EaxTooShort;
            return TransformResult.Error;
        }
        packet.TryTrimEnd(SequenceLength + tagLength + padLength);
        error = null;
        return TransformResult.Ok;
    }

    public TransformResult CheckSequence(uint sequence, out string? error)
    {
        var window = _window;
        if (window is null)
        {
            _counters.CountUnkeyed();
            error = TransformErrors.Unkeyed;
            return TransformResult.Error;
        }
        var result = window.Check(sequence, out error);
        switch (result)
        {
            case TransformResult.Ok: _counters.CountOpened(); break;
            case TransformResult.SequenceRange: _counters.CountSequenceRange(); break;
            default: _counters.CountSequenceDuplicate(); break;
        }
        return result;
    }

    private void Forget()
    {
        _eax?.Dispose();
        _serpent?.Dispose();
        _eax = null;
        _serpent = null;
        _window = null;
        _sendSequence = 0;
    }

    public void Dispose() => Forget();
}
