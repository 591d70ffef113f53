using Secnet.Packets;
using Secnet.Transforms;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// A transform's open path (eax-serpent or serpent256-cbc) on a keyed pair. Input: flags (1
/// byte), sequence number (4), plaintext length (2) and plaintext, then edits of 3 bytes each
/// (offset, xor). The genuine packet must open to its plaintext and number; once edited (bytes
/// changed, cut or extended) it must never open; the raw input as a packet must never open; a
/// refusal always carries secnet's text; and the batched open (SIMD lanes) must agree with the
/// single one byte for byte. Only Seal/Open run, which hold no state between packets, so one keyed
/// pair serves every execution.
/// </summary>
internal sealed class TransformOpenTarget : IFuzzTarget
{
    private const int MaxPlaintext = 1500;
    private readonly BufferPool _pool = new();
    private readonly ITransformInstance _sender;
    private readonly ITransformInstance _receiver;

    public TransformOpenTarget(string name, ITransform transform)
    {
        Name = name;
        _sender = transform.CreateInstance();
        _receiver = transform.CreateInstance();
        var key = new byte[Math.Max(transform.KeyLength, 128)];
        for (int i = 0; i < key.Length; i++) key[i] = (byte)(0x40 + i);
        _sender.SetKey(key, direction: false);
        _receiver.SetKey(key, direction: true);
    }

    public static TransformOpenTarget Eax() => new("eax-serpent", new EaxSerpentTransform(new EaxSerpentOptions()));

    public static TransformOpenTarget Cbc() => new("serpent256-cbc", new Serpent256CbcTransform(new Serpent256CbcOptions()));

    public string Name { get; }

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        byte flags = r.U8();
        uint sequence = r.U32();
        var plaintext = r.Bytes(Math.Min((int)r.U16(), MaxPlaintext));
        var edits = r.Rest();

        var genuine = Rent(plaintext);
        FuzzInvariantException.Check(_sender.Seal(genuine, sequence) == TransformResult.Ok, "seal");
        var sealedBytes = genuine.Data.ToArray();

        var tampered = Rent(sealedBytes);
        Tamper(tampered, flags, edits);
        bool changed = !tampered.Data.SequenceEqual(sealedBytes);

        var raw = Rent(input[..Math.Min(input.Length, MaxPlaintext)]);
        var rawBytes = raw.Data.ToArray();

        var batch = new[] { Rent(sealedBytes), Rent(tampered.Data), Rent(rawBytes) };

        CheckOpen(genuine, out var seq, "genuine");
        FuzzInvariantException.Check(seq == sequence && genuine.Data.SequenceEqual(plaintext), "genuine packet opens to its plaintext");

        var tamperedResult = CheckOpen(tampered, out _, "tampered");
        FuzzInvariantException.Check(!changed || tamperedResult != TransformResult.Ok, "an edited packet opened");
        FuzzInvariantException.Check(changed || tamperedResult == TransformResult.Ok, "an unedited packet failed");

        var rawResult = CheckOpen(raw, out _, "raw");
        FuzzInvariantException.Check(rawResult != TransformResult.Ok, "a forged packet opened");

        Span<uint> sequences = stackalloc uint[3];
        Span<TransformResult> results = stackalloc TransformResult[3];
        var errors = new string?[3];
        _receiver.OpenBatch(batch, sequences, results, errors);
        var single = new[] { genuine, tampered, raw };
        for (int i = 0; i < batch.Length; i++)
        {
            var one = single[i];
            var expected = i switch { 0 => TransformResult.Ok, 1 => tamperedResult, _ => rawResult };
            FuzzInvariantException.Check(results[i] == expected, $"batch lane {i} result");
            FuzzInvariantException.Check(batch[i].Data.SequenceEqual(one.Data), $"batch lane {i} bytes");
            FuzzInvariantException.Check(expected != TransformResult.Ok || sequences[i] == sequence, $"batch lane {i} sequence");
            batch[i].Release();
            one.Release();
        }
    }

    private TransformResult CheckOpen(PacketBuffer packet, out uint sequence, string what)
    {
        var result = _receiver.Open(packet, out sequence, out var error);
        FuzzInvariantException.Check((result == TransformResult.Ok) == (error is null), $"{what}: error text iff refused");
        FuzzInvariantException.Check(result is TransformResult.Ok or TransformResult.Error, $"{what}: open only says ok or error");
        return result;
    }

    private PacketBuffer Rent(ReadOnlySpan<byte> data)
    {
        var p = _pool.Rent();
        p.CopyFrom(data);
        return p;
    }

    /// <summary>Applies the edits: xor bytes, then cut (flag bit 0) or extend (bit 1) the end.</summary>
    private static void Tamper(PacketBuffer packet, byte flags, ReadOnlySpan<byte> edits)
    {
        var data = packet.Data;
        for (int i = 0; i + 2 < edits.Length && data.Length > 0; i += 3)
            data[((edits[i] << 8) | edits[i + 1]) % data.Length] ^= edits[i + 2];
        int amount = (flags >> 2) & 31;
        if ((flags & 1) != 0) packet.TryTrimEnd(Math.Min(amount, packet.Length));
        else if ((flags & 2) != 0 && packet.TryAppend(amount, out var added)) added.Fill(flags);
    }
}
