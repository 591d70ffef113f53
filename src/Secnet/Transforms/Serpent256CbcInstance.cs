using System.Buffers.Binary;
using System.Security.Cryptography;
using Secnet.Crypto;
using Secnet.Packets;

namespace Secnet.Transforms;

/// <summary>
/// One serpent256-cbc session key. Wire layout: BE32(ivword) || CBC(BE32(seq) || P || pkcs5 pad || MAC).
/// Both directions share keys, IV counter start and sequence start; the receiver trusts the IV word
/// in the packet (crypto.md §3.2-3.5). Checks run length, MAC, padding, sequence, so a padding error is
/// only visible after a valid MAC (no padding oracle).
/// </summary>
internal sealed class Serpent256CbcInstance(Serpent256CbcTransform transform) : LaneTransformInstance, ITransformInstance
{
    private const int Block = 16;
    private const int WordLength = 4;
    private const int MinimumLength = WordLength + Block + Block;
    private const int LaneBytes = Serpent.Lanes * Block;

    private readonly Serpent256CbcOptions _options = transform.Options;
    private readonly TransformCounters _counters = transform.Counters;
    private Serpent? _cryptCipher;
    private Serpent? _macCipher;
    private readonly byte[] _macStart = new byte[Block]; // E_mac(BE32(maciv) || 0^12): fixed per key
    private ReplayWindow? _window;
    private int _cryptIv;
    private uint _sendSequence, _firstSendSequence;

    public bool IsKeyed => _cryptCipher is not null;

    /// <summary>Why the last <see cref="SetKey"/> left the instance unkeyed (secnet logs this text), or null.</summary>
    public string? KeyError { get; private set; }

    public void SetKey(ReadOnlySpan<byte> key, bool direction)
    {
        Forget();
        if (key.Length < Serpent256CbcTransform.RequiredKeyLength)
        {
            KeyError = $"transform_create: insufficient key material supplied (need {Serpent256CbcTransform.RequiredKeyLength} bytes, got {key.Length})";
            return;
        }
        KeyError = null;
        _cryptCipher = new Serpent(key[..32], SerpentByteOrder.Reversed);
        _macCipher = new Serpent(key[32..64], SerpentByteOrder.Reversed);
        _cryptIv = (int)BinaryPrimitives.ReadUInt32BigEndian(key[64..]);
        Span<byte> block = stackalloc byte[Block];
        block.Clear();
        key.Slice(68, WordLength).CopyTo(block);
        _macCipher.EncryptBlock(block, _macStart);
        uint firstSequence = BinaryPrimitives.ReadUInt32BigEndian(key[72..]);
        _sendSequence = firstSequence;
        _firstSendSequence = firstSequence;
        _window = new ReplayWindow(_options.MaxSequenceSkew, _options.EffectiveDedupe, firstSequence);
    }

    public uint NextSendSequence() => _sendSequence++;

    public uint SequencesUsed => _sendSequence - _firstSendSequence;

    public TransformResult Seal(PacketBuffer packet, uint sequence)
    {
        var crypt = _cryptCipher;
        var mac = _macCipher;
        if (crypt is null || mac is null)
        {
            _counters.CountUnkeyed();
            return TransformResult.Error;
        }
        if (!TryFrame(packet, sequence))
            return TransformResult.Error;
        var body = packet.Data;
        ComputeMac(mac, body[..^Block], body[^Block..]);

        uint ivWord = (uint)Interlocked.Increment(ref _cryptIv) - 1;
        Span<byte> chain = stackalloc byte[Block];
        IvBlock(crypt, ivWord, chain);
        for (int i = 0; i < body.Length; i += Block)
        {
            var b = body.Slice(i, Block);
            Xor.Block(b, chain, b);
            crypt.EncryptBlock(b, b);
            chain = b;
        }
        packet.TryPrepend(WordLength, out var ivField);
        BinaryPrimitives.WriteUInt32BigEndian(ivField, ivWord);
        _counters.CountSealed();
        return TransformResult.Ok;
    }

    public TransformResult Open(PacketBuffer packet, out uint sequence, out string? error)
    {
        sequence = 0;
        var crypt = _cryptCipher;
        var mac = _macCipher;
        if (crypt is null || mac is null)
        {
            _counters.CountUnkeyed();
            error = TransformErrors.Unkeyed;
            return TransformResult.Error;
        }
        if (!CheckLength(packet, out error))
            return TransformResult.Error;
        var data = packet.Data;
        var body = data[WordLength..];
        Span<byte> iv = stackalloc byte[Block];
        IvBlock(crypt, BinaryPrimitives.ReadUInt32BigEndian(data), iv);
        CbcDecrypt(crypt, iv, body);

        Span<byte> expected = stackalloc byte[Block];
        ComputeMac(mac, body[..^Block], expected);
        return Finish(packet, expected, out sequence, out error);
    }

    /// <summary>Seal for up to 8 packets: MACs, IVs and the CBC encryptions run one packet per SIMD lane.
    /// IV words are taken in packet order, so the bytes equal those of consecutive <see cref="Seal"/> calls.</summary>
    protected override void SealLanes(ReadOnlySpan<PacketBuffer> packets, ReadOnlySpan<uint> sequences, Span<TransformResult> results)
    {
        var crypt = _cryptCipher;
        var mac = _macCipher;
        if (crypt is null || mac is null)
        {
            for (int i = 0; i < packets.Length; i++)
                results[i] = Seal(packets[i], sequences[i]);
            return;
        }
        Span<byte> states = stackalloc byte[LaneBytes];
        Span<byte> extras = stackalloc byte[LaneBytes];
        Span<uint> ivWords = stackalloc uint[TransformBatch.MaxLanes];
        extras.Clear();
        var chains = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            var packet = packets[i];
            results[i] = TryFrame(packet, sequences[i]) ? TransformResult.Ok : TransformResult.Error;
            if (results[i] != TransformResult.Ok)
                continue;
            _macStart.CopyTo(chains.State(i));
            // The zero extra block gives secnet's final encryption: E(state ^ 0).
            chains.SetLane(i, packet.Array, packet.Start, packet.Length / Block - 1, withExtraBlock: true);
        }
        chains.Run(mac, writeBack: false);

        chains = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] != TransformResult.Ok)
                continue;
            chains.State(i).CopyTo(packets[i].Data[^Block..]);
            ivWords[i] = (uint)Interlocked.Increment(ref _cryptIv) - 1;
            chains.State(i).Clear();
            var ivBlock = chains.ExtraBlock(i);
            ivBlock.Clear();
            BinaryPrimitives.WriteUInt32BigEndian(ivBlock, ivWords[i]);
            chains.SetLane(i, packets[i].Array, 0, 0, withExtraBlock: true);
        }
        chains.Run(crypt, writeBack: false);

        var cbc = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                cbc.SetLane(i, packets[i].Array, packets[i].Start, packets[i].Length / Block, withExtraBlock: false);
        }
        cbc.Run(crypt, writeBack: true);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] != TransformResult.Ok)
                continue;
            packets[i].TryPrepend(WordLength, out var ivField);
            BinaryPrimitives.WriteUInt32BigEndian(ivField, ivWords[i]);
            _counters.CountSealed();
        }
        CryptographicOperations.ZeroMemory(states);
        CryptographicOperations.ZeroMemory(extras);
    }

    /// <summary>Open for up to 8 packets: IVs and MACs one packet per SIMD lane; each packet's CBC
    /// decryption is parallel within the packet already. Checks and their order are those of <see cref="Open"/>.</summary>
    protected override void OpenLanes(ReadOnlySpan<PacketBuffer> packets, Span<uint> sequences, Span<TransformResult> results, Span<string?> errors)
    {
        var crypt = _cryptCipher;
        var mac = _macCipher;
        if (crypt is null || mac is null)
        {
            for (int i = 0; i < packets.Length; i++)
                results[i] = Open(packets[i], out sequences[i], out errors[i]);
            return;
        }
        Span<byte> states = stackalloc byte[LaneBytes];
        Span<byte> extras = stackalloc byte[LaneBytes];
        var chains = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            sequences[i] = 0;
            results[i] = CheckLength(packets[i], out errors[i]) ? TransformResult.Ok : TransformResult.Error;
            if (results[i] != TransformResult.Ok)
                continue;
            chains.State(i).Clear();
            var ivBlock = chains.ExtraBlock(i);
            ivBlock.Clear();
            packets[i].Data[..WordLength].CopyTo(ivBlock);
            chains.SetLane(i, packets[i].Array, 0, 0, withExtraBlock: true);
        }
        chains.Run(crypt, writeBack: false);

        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                CbcDecrypt(crypt, chains.State(i), packets[i].Data[WordLength..]);
        }

        extras.Clear();
        chains = new SerpentLaneChains(states, extras);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] != TransformResult.Ok)
                continue;
            _macStart.CopyTo(chains.State(i));
            int bodyBlocks = (packets[i].Length - WordLength) / Block;
            chains.SetLane(i, packets[i].Array, packets[i].Start + WordLength, bodyBlocks - 1, withExtraBlock: true);
        }
        chains.Run(mac, writeBack: false);
        for (int i = 0; i < packets.Length; i++)
        {
            if (results[i] == TransformResult.Ok)
                results[i] = Finish(packets[i], chains.State(i), out sequences[i], out errors[i]);
        }
        CryptographicOperations.ZeroMemory(states);
        CryptographicOperations.ZeroMemory(extras);
    }

    /// <summary>Adds sequence number, padding and room for the MAC around the packet: the body to MAC
    /// and encrypt. False (counted) if the buffer lacks head- or tailroom.</summary>
    private bool TryFrame(PacketBuffer packet, uint sequence)
    {
        int plainLength = WordLength + packet.Length;
        int padLength = ((15 - plainLength) & 15) + 1;
        if (packet.Headroom < 2 * WordLength || packet.Tailroom < padLength + Block)
        {
            _counters.CountNoRoom();
            return false;
        }
        packet.TryPrepend(WordLength, out var seqField);
        BinaryPrimitives.WriteUInt32BigEndian(seqField, sequence);
        packet.TryAppend(padLength + Block, out var tail);
        tail[..padLength].Fill((byte)padLength);
        return true;
    }

    private bool CheckLength(PacketBuffer packet, out string? error)
    {
        int length = packet.Length;
        if (length < MinimumLength)
        {
            _counters.CountBadLength();
            error = TransformErrors.CbcTooShort;
            return false;
        }
        if ((length - WordLength) % Block != 0)
        {
            _counters.CountBadLength();
            error = TransformErrors.CbcNotBlockMultiple;
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>MAC comparison, padding and sequence extraction on a decrypted packet.</summary>
    private TransformResult Finish(PacketBuffer packet, ReadOnlySpan<byte> expectedMac, out uint sequence, out string? error)
    {
        sequence = 0;
        var body = packet.Data[WordLength..];
        if (!CryptographicOperations.FixedTimeEquals(expectedMac, body[^Block..]))
        {
            _counters.CountBadTag();
            error = TransformErrors.CbcInvalidMac;
            return TransformResult.Error;
        }
        // secnet checks only the length byte, not the padding bytes' values.
        int padLength = body[^(Block + 1)];
        if (padLength is 0 or > Block)
        {
            _counters.CountBadPadding();
            error = TransformErrors.CbcInvalidPadding;
            return TransformResult.Error;
        }
        int contentLength = body.Length - Block - padLength;
        if (contentLength < WordLength)
        {
            // Only an authenticated peer can get here: a full block of padding leaves no sequence number.
            _counters.CountBadPadding();
            error = TransformErrors.CbcTooShort;
            return TransformResult.Error;
        }
        sequence = BinaryPrimitives.ReadUInt32BigEndian(body);
        packet.TryTrimEnd(Block + padLength);
        packet.TryTrimFront(2 * WordLength);
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

    private static void IvBlock(Serpent crypt, uint word, Span<byte> iv)
    {
        iv.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(iv, word);
        crypt.EncryptBlock(iv, iv);
    }

    /// <summary>CBC-MAC from the per-key start block, plus secnet's one extra encryption at the end.</summary>
    private void ComputeMac(Serpent mac, ReadOnlySpan<byte> blocks, Span<byte> output)
    {
        Span<byte> state = stackalloc byte[Block];
        _macStart.CopyTo(state);
        for (int i = 0; i < blocks.Length; i += Block)
        {
            Xor.Block(state, blocks.Slice(i, Block), state);
            mac.EncryptBlock(state, state);
        }
        mac.EncryptBlock(state, output);
    }

    /// <summary>In-place CBC decryption, 8 blocks per SIMD pass. Each chunk is decrypted into scratch
    /// space first because the XOR needs the previous ciphertext block, which in place would be gone.</summary>
    private static void CbcDecrypt(Serpent crypt, ReadOnlySpan<byte> iv, Span<byte> data)
    {
        const int Chunk = Serpent.Lanes * Block;
        Span<byte> scratch = stackalloc byte[Chunk];
        Span<byte> previous = stackalloc byte[Block];
        Span<byte> nextPrevious = stackalloc byte[Block];
        iv.CopyTo(previous);
        for (int offset = 0; offset < data.Length; offset += Chunk)
        {
            int n = Math.Min(Chunk, data.Length - offset);
            var chunk = data.Slice(offset, n);
            var plain = scratch[..n];
            crypt.DecryptBlocks(chunk, plain);
            chunk[^Block..].CopyTo(nextPrevious);
            for (int i = n - Block; i >= Block; i -= Block)
                Xor.Block(plain.Slice(i, Block), chunk.Slice(i - Block, Block), chunk.Slice(i, Block));
            Xor.Block(plain, previous, chunk);
            nextPrevious.CopyTo(previous);
        }
        CryptographicOperations.ZeroMemory(scratch);
    }

    private void Forget()
    {
        _cryptCipher?.Dispose();
        _macCipher?.Dispose();
        _cryptCipher = null;
        _macCipher = null;
        CryptographicOperations.ZeroMemory(_macStart);
        _window = null;
        _cryptIv = 0;
        _sendSequence = 0;
    }

    public void Dispose() => Forget();
}
