using System.Buffers.Binary;
using System.Security.Cryptography;
using Secnet.Crypto;
using Secnet.Packets;

namespace Secnet.Transforms;

/// <summary>
/// One eax-serpent session key. Wire layout: EAX(P || zeros || padlen) || tag || BE32(seq); the EAX
/// nonce is BE32(seq) || direction byte, so each direction has its own nonce space (crypto.md §4.2-4.4).
/// </summary>
internal sealed class EaxSerpentInstance(EaxSerpentTransform transform) : LaneTransformInstance, ITransformInstance
{
    private const int NonceLength = 5;
    private const int SequenceLength = 4;
    private const int Block = Serpent.BlockSize;
    private const int LaneBytes = Serpent.Lanes * Block;

    private readonly EaxSerpentOptions _options = transform.Options;
    private readonly TransformCounters _counters = transform.Counters;
    private Serpent? _serpent;
    private Eax? _eax;
    private ReplayWindow? _window;
    private byte _ourDirection;
    private uint _sendSequence, _firstSendSequence;

    public bool IsKeyed => _eax is not null;

    public void SetKey(ReadOnlySpan<byte> key, bool direction)
    {
        Forget();
        Span<byte> h = stackalloc byte[64];
        MessageDigest.Sha512(key, h);
        _serpent = new Serpent(h[..32], SerpentByteOrder.Standard);
        _eax = new Eax(_serpent, _options.TagLength);
        uint seqA = BinaryPrimitives.ReadUInt32BigEndian(h[32..]);
        uint seqB = BinaryPrimitives.ReadUInt32BigEndian(h[36..]);
        CryptographicOperations.ZeroMemory(h);
        _ourDirection = direction ? (byte)1 : (byte)0;
        _sendSequence = direction ? seqB : seqA;
        _firstSendSequence = _sendSequence;
        _window = new ReplayWindow(_options.MaxSequenceSkew, _options.EffectiveDedupe, direction ? seqA : seqB);
    }

    public uint NextSendSequence() => _sendSequence++;

    public uint SequencesUsed => _sendSequence - _firstSendSequence;

    public TransformResult Seal(PacketBuffer packet, uint sequence)
    {
        var eax = _eax;
        if (eax is null)
        {
            _counters.CountUnkeyed();
            return TransformResult.Error;
        }
        if (!TryFrame(packet, out int messageLength))
            return TransformResult.Error;
        var data = packet.Data;
        var message = data[..messageLength];
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, sequence, _ourDirection);
        eax.Encrypt(nonce, default, message, message, data.Slice(messageLength, _options.TagLength));
        BinaryPrimitives.WriteUInt32BigEndian(data[^SequenceLength..], sequence);
        _counters.CountSealed();
        return TransformResult.Ok;
    }

    public TransformResult Open(PacketBuffer packet, out uint sequence, out string? error)
    {
        var eax = _eax;
        if (eax is null)
        {
            sequence = 0;
            _counters.CountUnkeyed();
            error = TransformErrors.Unkeyed;
            return TransformResult.Error;
        }
        if (!TryParse(packet, out sequence, out int ciphertextLength, out error))
            return TransformResult.Error;
        var data = packet.Data;
        var ciphertext = data[..ciphertextLength];
        Span<byte> nonce = stackalloc byte[NonceLength];
        WriteNonce(nonce, sequence, (byte)(1 - _ourDirection));
        if (!eax.Decrypt(nonce, default, ciphertext, data.Slice(ciphertextLength, _options.TagLength), ciphertext))
        {
            _counters.CountBadTag();
            error = TransformErrors.EaxDecryptionFailed;
            return TransformResult.Error;
        }
        return Unpad(packet, ciphertextLength, out error);
    }

    /// <summary>Seal for up to 8 packets: nonce OMACs, ciphertext OMACs in SIMD lanes (one packet per
    /// lane) and the CTR keystream of all of them packed into full passes.</summary>
    protected override void SealLanes(ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        var eax = _eax;
        var serpent = _serpent;
        if (eax is null || serpent is null)
        {
            for (int i = 0; i < packets.Length; i++)
                results[i] = Seal(packets[i], sequences[i]);
            return;
        }
        Span<byte> states = stackalloc byte[LaneBytes];
        Span<byte> extras = stackalloc byte[LaneBytes];
        Span<byte> nonceMacs = stackalloc byte[LaneBytes];
        Span<byte> scratch = stackalloc byte[2 * LaneBytes];
        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<int> lengths = stackalloc int[TransformBatch.MaxLanes];
        var omac = eax.Omac;
        var chains = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            if (!TryFrame(packets[i], out lengths[i]))
            {
                results[i] = TransformResult.Error;
                continue;
            }
            results[i] = TransformResult.Ok;
            WriteNonce(nonce, sequences[i], _ourDirection);
            omac.SetTweakedLane(ref chains, i, 0, nonce, [], 0);
        }
        chains.Run(serpent, writeBack: false);
        states.CopyTo(nonceMacs);

        var keystream = new EaxLaneKeystream(eax, scratch);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                keystream.Add(packets[i].Array, packets[i].Start, lengths[i], nonceMacs.Slice(i * Block, Block));
        }
        keystream.Flush();

        chains = new SerpentLaneChains(states, extras);
        MacCiphertexts(omac, serpent, ref chains, packets, lengths, results);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] != TransformResult.Ok)
                continue;
            var data = packets[i].Data;
            eax.CombineTag(nonceMacs.Slice(i * Block, Block), chains.State(i), data.Slice(lengths[i], _options.TagLength));
            BinaryPrimitives.WriteUInt32BigEndian(data[^SequenceLength..], sequences[i]);
            _counters.CountSealed();
        }
        CryptographicOperations.ZeroMemory(states);
        CryptographicOperations.ZeroMemory(extras);
        CryptographicOperations.ZeroMemory(nonceMacs);
    }

    /// <summary>EAX's OMAC with tweak 2 over the ciphertext of every packet still marked Ok, one
    /// packet per SIMD lane; the results are left in <paramref name="chains"/>' lane states.</summary>
    private static void MacCiphertexts(Cmac omac, Serpent serpent, ref SerpentLaneChains chains,
        ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<int> lengths, ReadOnlySpan<TransformResult> results)
    {
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                omac.SetTweakedLane(ref chains, i, 2, packets[i].Data[..lengths[i]], packets[i].Array, packets[i].Start);
        }
        chains.Run(serpent, writeBack: false);
    }

    /// <summary>Open for up to 8 packets: all tags are checked in SIMD lanes first, then only the
    /// packets that authenticated are decrypted (keystream packed across them), as in <see cref="Open"/>.</summary>
    protected override void OpenLanes(ReadOnlySpan<PacketBuffer> packets, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        var eax = _eax;
        var serpent = _serpent;
        if (eax is null || serpent is null)
        {
            for (int i = 0; i < packets.Length; i++)
                results[i] = Open(packets[i], out sequences[i], out errors[i]);
            return;
        }
        Span<byte> states = stackalloc byte[LaneBytes];
        Span<byte> extras = stackalloc byte[LaneBytes];
        Span<byte> nonceMacs = stackalloc byte[LaneBytes];
        Span<byte> scratch = stackalloc byte[2 * LaneBytes];
        Span<byte> nonce = stackalloc byte[NonceLength];
        Span<byte> expected = stackalloc byte[Block];
        Span<int> lengths = stackalloc int[TransformBatch.MaxLanes];
        var omac = eax.Omac;
        var chains = new SerpentLaneChains(states, extras);
        byte peerDirection = (byte)(1 - _ourDirection);
        for (int i = 0; i < packets.Length; i++)
        {
            if (!TryParse(packets[i], out sequences[i], out lengths[i], out errors[i]))
            {
                results[i] = TransformResult.Error;
                continue;
            }
            results[i] = TransformResult.Ok;
            WriteNonce(nonce, sequences[i], peerDirection);
            omac.SetTweakedLane(ref chains, i, 0, nonce, [], 0);
        }
        chains.Run(serpent, writeBack: false);
        states.CopyTo(nonceMacs);

        chains = new SerpentLaneChains(states, extras);
        MacCiphertexts(omac, serpent, ref chains, packets, lengths, results);

        int tagLength = _options.TagLength;
        var keystream = new EaxLaneKeystream(eax, scratch);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] != TransformResult.Ok)
                continue;
            var data = packets[i].Data;
            eax.CombineTag(nonceMacs.Slice(i * Block, Block), chains.State(i), expected);
            if (!CryptographicOperations.FixedTimeEquals(expected[..tagLength], data.Slice(lengths[i], tagLength)))
            {
                _counters.CountBadTag();
                errors[i] = TransformErrors.EaxDecryptionFailed;
                results[i] = TransformResult.Error;
                continue;
            }
            keystream.Add(packets[i].Array, packets[i].Start, lengths[i], nonceMacs.Slice(i * Block, Block));
        }
        keystream.Flush();
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                results[i] = Unpad(packets[i], lengths[i], out errors[i]);
        }
        CryptographicOperations.ZeroMemory(states);
        CryptographicOperations.ZeroMemory(extras);
        CryptographicOperations.ZeroMemory(nonceMacs);
    }

    /// <summary>Appends padding and room for tag and sequence; the EAX message is the first
    /// <paramref name="messageLength"/> bytes afterwards. False (counted) if the buffer lacks tailroom.</summary>
    private bool TryFrame(PacketBuffer packet, out int messageLength)
    {
        int length = packet.Length;
        int mask = _options.EffectivePaddingRounding - 1;
        int padLength = ((mask - length) & mask) + 1;
        messageLength = length + padLength;
        if (!packet.TryAppend(padLength + _options.TagLength + SequenceLength, out _))
        {
            _counters.CountNoRoom();
            return false;
        }
        var message = packet.Data[..messageLength];
        message[length..^1].Clear();
        message[^1] = (byte)padLength;
        return true;
    }

    /// <summary>Reads the sequence number and splits off the tag; false (counted, with secnet's text)
    /// if the packet is too short to hold them.</summary>
    private bool TryParse(PacketBuffer packet, out uint sequence, out int ciphertextLength, out string? error)
    {
        var data = packet.Data;
        ciphertextLength = 0;
        if (data.Length < SequenceLength)
        {
            sequence = 0;
            _counters.CountBadLength();
            error = TransformErrors.EaxTooShort;
            return false;
        }
        sequence = BinaryPrimitives.ReadUInt32BigEndian(data[^SequenceLength..]);
        if (data.Length - SequenceLength < _options.TagLength)
        {
            _counters.CountBadLength();
            error = TransformErrors.EaxDecryptionFailed;
            return false;
        }
        ciphertextLength = data.Length - SequenceLength - _options.TagLength;
        error = null;
        return true;
    }

    /// <summary>Strips padding, tag and sequence from an authenticated, decrypted packet.</summary>
    private TransformResult Unpad(PacketBuffer packet, int plaintextLength, out string? error)
    {
        if (plaintextLength == 0)
        {
            _counters.CountBadPadding();
            error = TransformErrors.EaxTooShort;
            return TransformResult.Error;
        }
        // secnet checks neither the zero bytes nor an upper bound; a length byte of 0 strips nothing.
        int padLength = packet.Data[plaintextLength - 1];
        if (plaintextLength < padLength)
        {
            _counters.CountBadPadding();
            error = TransformErrors.EaxTooShort;
            return TransformResult.Error;
        }
        packet.TryTrimEnd(SequenceLength + _options.TagLength + padLength);
        error = null;
        return TransformResult.Ok;
    }

    private static void WriteNonce(Span<byte> nonce, uint sequence, byte direction)
    {
        BinaryPrimitives.WriteUInt32BigEndian(nonce, sequence);
        nonce[4] = direction;
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
