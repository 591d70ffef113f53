using Secnet.Transforms;
using static Secnet.Tests.Transforms.TransformTestKit;

namespace Secnet.Tests.Transforms;

public class Serpent256CbcTransformTests
{
    private static (ITransformInstance A, ITransformInstance B, Serpent256CbcTransform T) Pair(Serpent256CbcOptions? options = null)
    {
        var t = new Serpent256CbcTransform(options ?? new Serpent256CbcOptions());
        var a = t.CreateInstance();
        var b = t.CreateInstance();
        a.SetKey(ExampleKey().AsSpan(0, 76), direction: false);
        b.SetKey(ExampleKey().AsSpan(0, 76), direction: true);
        return (a, b, t);
    }

    [Fact]
    public void WorkedExampleTwoPackets()
    {
        var (a, b, _) = Pair();
        var p = Packet(ExamplePayload);
        Assert.Equal(TransformResult.Ok, a.Forward(p));
        Assert.Equal("80818283" + "36225cb52d67701b100507d00ca2115c" + "a02bceb3e108b5d34ea76ada6d356e4e" +
                     "2a32153287e2b0c08514c86d2b0bd804", Hex(p));
        var q = Packet(ExamplePayload);
        Assert.Equal(TransformResult.Ok, a.Forward(q));
        Assert.Equal("80818284" + "11a42809ae2f2256e6d490408a914fcb" + "32f6120c4dff02bdcfdfcee574effa7d" +
                     "a84783f53b27cc6a81ccc49bdd32f11e", Hex(q));
        Assert.Equal(TransformResult.Ok, b.Reverse(p, out var e));
        Assert.Null(e);
        Assert.Equal(ExamplePayload, p.Data.ToArray());
        Assert.Equal(TransformResult.Ok, b.Reverse(q, out _));
        Assert.Equal(ExamplePayload, q.Data.ToArray());
    }

    [Fact]
    public void RoundTripsAllLengthsAndLongPacketsUseTheSimdPath()
    {
        var (a, b, t) = Pair();
        var rng = new Random(3);
        for (int len = 0; len < 1500; len += len < 300 ? 1 : 97)
        {
            var payload = new byte[len];
            rng.NextBytes(payload);
            var p = Packet(payload);
            Assert.Equal(TransformResult.Ok, a.Forward(p));
            Assert.Equal(len + 4 + (((15 - (len + 4)) & 15) + 1) + 16 + 4, p.Length);
            Assert.Equal(TransformResult.Ok, b.Reverse(p, out _));
            Assert.Equal(payload, p.Data.ToArray());
        }
        Assert.Equal(t.Counters.Sealed, t.Counters.Opened);
    }

    [Fact]
    public void BadInputsGiveTheirErrorsAndCounters()
    {
        var (a, b, t) = Pair();
        var good = Packet(ExamplePayload);
        a.Forward(good);
        var wire = good.Data.ToArray(); // 52 bytes

        Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire.AsSpan(0, 35)), out var e));
        Assert.Equal("msg too short", e);
        Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire.AsSpan(0, 51)), out e));
        Assert.Equal("msg not multiple of cipher blocksize", e);
        Assert.Equal(2, t.Counters.BadLength);

        Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire.AsSpan(0, 36)), out e));
        Assert.Equal("invalid MAC", e); // truncated by a block
        for (int i = 0; i < wire.Length; i++)
        {
            var bad = wire.ToArray();
            bad[i] ^= 1;
            Assert.Equal(TransformResult.Error, b.Reverse(Packet(bad), out e));
            Assert.Equal("invalid MAC", e);
        }
        Assert.Equal(wire.Length + 1, t.Counters.BadTag);

        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(wire), out _));
        Assert.Equal(TransformResult.SequenceDuplicate, b.Reverse(Packet(wire), out e));
        Assert.Equal("seqnum: duplicate", e);

        var unkeyed = t.CreateInstance();
        Assert.Equal(TransformResult.Error, unkeyed.Reverse(Packet(wire), out e));
        Assert.Equal("transform unkeyed", e);
    }

    [Fact]
    public void CorruptPaddingLengthAfterAValidMacIsAPaddingError()
    {
        var (a, b, t) = Pair();
        // Payload whose sealed form pads by exactly one byte (value 1): then overwrite that byte
        // before sealing is impossible, so seal a payload ending in a block whose pad byte we choose
        // by encrypting our own forged plaintext with the same keys through a second instance.
        var forger = new Serpent256CbcForger(ExampleKey().AsSpan(0, 76).ToArray());
        foreach (byte padByte in new byte[] { 0, 17, 200 })
        {
            var wire = forger.Seal(seq: 0x88898a8b, content: [.. new byte[11], padByte]);
            Assert.Equal(TransformResult.Error, b.Reverse(Packet(wire), out var e));
            Assert.Equal("pkcs5: invalid length", e);
        }
        // Pad values are not checked, only the count: 3 bytes "x y 3" strip 3.
        var ok = forger.Seal(seq: 0x88898a8b, content: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0xaa, 0xbb, 3]);
        var p = Packet(ok);
        Assert.Equal(TransformResult.Ok, b.Reverse(p, out _));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }, p.Data.ToArray());
        Assert.Equal(3, t.Counters.BadPadding);
        _ = a;
    }

    [Fact]
    public void SequenceWindowRangeErrors()
    {
        var (a, b, t) = Pair(new Serpent256CbcOptions(MaxSequenceSkew: 3));
        var wires = new List<byte[]>();
        for (int i = 0; i < 5; i++)
        {
            var p = Packet(ExamplePayload);
            a.Forward(p);
            wires.Add(p.Data.ToArray());
        }
        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(wires[4]), out _));
        Assert.Equal(TransformResult.Ok, b.Reverse(Packet(wires[2]), out _));
        Assert.Equal(TransformResult.SequenceRange, b.Reverse(Packet(wires[1]), out var e));
        Assert.Equal("seqnum: too much skew", e);
        var ahead = Packet(ExamplePayload);
        a.Seal(ahead, unchecked(0x88898a8bu + 4u + 0x8fffffffu));
        Assert.Equal(TransformResult.SequenceRange, b.Reverse(ahead, out _));
        Assert.Equal(2, t.Counters.SequenceRange);
    }

    [Fact]
    public void ShortKeyLeavesTheInstanceUnkeyedWithSecnetsMessage()
    {
        var t = new Serpent256CbcTransform(new Serpent256CbcOptions());
        var i = (Serpent256CbcInstance)t.CreateInstance();
        i.SetKey(new byte[75], false);
        Assert.False(i.IsKeyed);
        Assert.Equal("transform_create: insufficient key material supplied (need 76 bytes, got 75)", i.KeyError);
        Assert.Equal(76, t.KeyLength);
        Assert.Equal(8, t.CapabilityBit);
        Assert.Equal("capab-num out of range 0..15", new Serpent256CbcOptions(CapabilityBit: 16).Validate());
        Assert.Equal("cannot dedupe with max-sequence-skew>=32", new Serpent256CbcOptions(MaxSequenceSkew: 40, Dedupe: true).Validate());
    }
}
