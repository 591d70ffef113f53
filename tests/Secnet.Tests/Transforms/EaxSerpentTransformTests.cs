using Secnet.Transforms;
using static Secnet.Tests.Transforms.TransformTestKit;

namespace Secnet.Tests.Transforms;

public class EaxSerpentTransformTests
{
    private static (ITransformInstance A, ITransformInstance B, EaxSerpentTransform T) Pair(EaxSerpentOptions? options = null)
    {
        var t = new EaxSerpentTransform(options ?? new EaxSerpentOptions());
        var a = t.CreateInstance();
        var b = t.CreateInstance();
        a.SetKey(ExampleKey(), direction: false);
        b.SetKey(ExampleKey(), direction: true);
        return (a, b, t);
    }

    [Fact]
    public void WorkedExampleBothDirections()
    {
        var (a, b, _) = Pair();
        var p = Packet(ExamplePayload);
        Assert.Equal(TransformResult.Ok, a.Forward(p));
        Assert.Equal("9bd168df4c52133ff0cc565ba9e79c154a045e6c780e0b0cf539168eb0c7eb75" +
                     "e42bf993dfd3abbe41239a3e9e3d7529" + "0c17a171", Hex(p));
        Assert.Equal(TransformResult.Ok, b.Reverse(p, out var error));
        Assert.Null(error);
        Assert.Equal(ExamplePayload, p.Data.ToArray());

        var q = Packet(ExamplePayload);
        Assert.Equal(TransformResult.Ok, b.Forward(q));
        Assert.Equal("3b408e6c44dcda6297e29f0271009544d2d6e9c143f51ec3de54f62a72c2aa72" +
                     "9f2727dfe7b0666660b1f7edca4c4fe1" + "2d1826de", Hex(q));
        Assert.Equal(TransformResult.Ok, a.Reverse(q, out _));
        Assert.Equal(ExamplePayload, q.Data.ToArray());
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(1, 1)]
    [InlineData(8, 128)]
    [InlineData(12, 0)]
    public void RoundTripsAllLengthsWithOptions(int tag, int rounding)
    {
        var (a, b, t) = Pair(new EaxSerpentOptions(TagLength: tag, PaddingRounding: rounding));
        var rng = new Random(tag * 1000 + rounding);
        for (int len = 0; len < 300; len++)
        {
            var payload = new byte[len];
            rng.NextBytes(payload);
            var p = Packet(payload);
            Assert.Equal(TransformResult.Ok, a.Forward(p));
            Assert.True(p.Length <= len + t.MaxTrailer);
            Assert.Equal(0, (p.Length - tag - 4) % Math.Max(1, rounding));
            Assert.Equal(TransformResult.Ok, b.Reverse(p, out _));
            Assert.Equal(payload, p.Data.ToArray());
        }
        Assert.Equal(300, t.Counters.Opened);
        Assert.Equal(300, t.Counters.Sealed);
    }

    [Fact]
    public void BadInputsGiveTheirErrorsAndCounters()
    {
        var (a, b, t) = Pair();
        var good = Packet(ExamplePayload);
        a.Forward(good);
        var wire = good.Data.ToArray();

        Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire.AsSpan(0, 3)), out var e));
        Assert.Equal("ciphertext or plaintext too short", e);
        Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire.AsSpan(wire.Length - 10)), out e));
        Assert.Equal("EAX decryption failed", e); // shorter than the tag
        Assert.Equal(2, t.Counters.BadLength);

        var truncated = wire.AsSpan(0, wire.Length - 5).ToArray();
        Assert.Equal(TransformResult.Error, b.Reverse(Packet(truncated), out e));
        Assert.Equal("EAX decryption failed", e);
        for (int i = 0; i < wire.Length; i++)
        {
            var bad = wire.ToArray();
            bad[i] ^= 0x20;
            Assert.Equal(TransformResult.Error, b.Reverse(Packet(bad), out e));
            Assert.Equal("EAX decryption failed", e);
        }
        // Wrong direction: a packet reflected back to its sender does not authenticate.
        Assert.Equal(TransformResult.Error, a.Reverse(Packet(wire), out e));
        Assert.Equal(wire.Length + 2, t.Counters.BadTag);

        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(wire), out _));
        Assert.Equal(TransformResult.SequenceDuplicate, b.Reverse(Packet(wire), out e));
        Assert.Equal("seqnum: duplicate", e);
        Assert.Equal(1, t.Counters.SequenceDuplicate);

        var unkeyed = t.CreateInstance();
        Assert.Equal(TransformResult.Error, unkeyed.Reverse(Packet(wire), out e));
        Assert.Equal("transform unkeyed", e);
        Assert.Equal(TransformResult.Error, unkeyed.Forward(Packet(wire)));
        Assert.Equal(2, t.Counters.Unkeyed);
    }

    [Fact]
    public void TooOldAndTooFarAheadAreRangeErrors()
    {
        var (a, b, t) = Pair();
        var packets = new List<byte[]>();
        for (int i = 0; i < 12; i++)
        {
            var p = Packet(ExamplePayload);
            a.Forward(p);
            packets.Add(p.Data.ToArray());
        }
        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(packets[11]), out _));
        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(packets[2]), out _));  // 9 behind
        Assert.Equal(TransformResult.SequenceRange, b.Reverse(Packet(packets[1]), out var e)); // 10 behind
        Assert.Equal("seqnum: too much skew", e);

        // 0x8fffffff or more ahead counts as far behind.
        var far = Packet(ExamplePayload);
        var last = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(packets[11].AsSpan(packets[11].Length - 4));
        Assert.Equal(TransformResult.Ok, a.Seal(far, unchecked(last + 0x8fffffffu)));
        Assert.Equal(TransformResult.SequenceRange, b.Reverse(far, out e));
        Assert.Equal(2, t.Counters.SequenceRange);
    }

    /// <summary>Seals an arbitrary authenticated message as direction 0 would, bypassing Forward's padding.</summary>
    private static byte[] SealRaw(byte[] message, uint seq)
    {
        var h = System.Security.Cryptography.SHA512.HashData(ExampleKey());
        var eax = new Secnet.Crypto.Eax(new Secnet.Crypto.Serpent(h.AsSpan(0, 32), Secnet.Crypto.SerpentByteOrder.Standard));
        var nonce = new byte[5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(nonce, seq);
        var output = new byte[message.Length + 16 + 4];
        eax.Encrypt(nonce, default, message, output, output.AsSpan(message.Length, 16));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(output.Length - 4), seq);
        return output;
    }

    [Fact]
    public void PaddingIsInterpretedExactlyAsSecnetDoes()
    {
        var (_, b, t) = Pair();
        const uint Seq = 0x0c17a171; // direction 0's first sequence number for the example key
        // Length byte 0 strips nothing: the zero stays part of the payload.
        var p = Packet(SealRaw([7, 7, 0], Seq));
        Assert.Equal(TransformResult.Ok, b.Reverse(p, out _));
        Assert.Equal(new byte[] { 7, 7, 0 }, p.Data.ToArray());
        // Padding bytes are not checked to be zero; only the count matters.
        p = Packet(SealRaw([1, 2, 0xee, 3], Seq + 1));
        Assert.Equal(TransformResult.Ok, b.Reverse(p, out _));
        Assert.Equal(new byte[] { 1 }, p.Data.ToArray());
        // More padding than message, and an empty message, are "too short".
        Assert.Equal(TransformResult.Error, b.Reverse(Packet(SealRaw([1, 5], Seq + 2)), out var e));
        Assert.Equal("ciphertext or plaintext too short", e);
        Assert.Equal(TransformResult.Error, b.Reverse(Packet(SealRaw([], Seq + 3)), out e));
        Assert.Equal("ciphertext or plaintext too short", e);
        Assert.Equal(2, t.Counters.BadPadding);
    }

    [Fact]
    public void InvalidOptionsUseSecnetsTexts()
    {
        Assert.Equal("tag-length-bytes out of range 0..16", new EaxSerpentOptions(TagLength: 0).Validate());
        Assert.Equal("tag-length-bytes out of range 0..16", new EaxSerpentOptions(TagLength: 17).Validate());
        Assert.Equal("padding-round not a power of two", new EaxSerpentOptions(PaddingRounding: 3).Validate());
        Assert.Equal("padding-round must be 1..128", new EaxSerpentOptions(PaddingRounding: 256).Validate());
        Assert.Null(new EaxSerpentOptions(PaddingRounding: 0).Validate());
        Assert.Equal("capab-num out of range 0..15", new EaxSerpentOptions(CapabilityBit: 16).Validate());
        Assert.Equal("cannot dedupe with max-sequence-skew>=32", new EaxSerpentOptions(MaxSequenceSkew: 32, Dedupe: true).Validate());
        Assert.False(new EaxSerpentOptions(MaxSequenceSkew: 32).EffectiveDedupe);
        Assert.Throws<ArgumentException>(() => new EaxSerpentTransform(new EaxSerpentOptions(TagLength: 0)));
        var t = new EaxSerpentTransform(new EaxSerpentOptions());
        Assert.Equal(9, t.CapabilityBit);
        Assert.Equal(0, t.KeyLength);
        Assert.Equal("eax-serpent", t.Name);
    }
}
