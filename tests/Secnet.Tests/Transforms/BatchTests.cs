using Secnet.Packets;
using Secnet.Transforms;

namespace Secnet.Tests.Transforms;

/// <summary>
/// SealBatch/OpenBatch (packets side by side in SIMD lanes) against the one-packet methods: same bytes,
/// results, sequence numbers, error texts and counters, on random batches of random lengths with bad
/// packets mixed in. Two transforms keyed identically run the two paths so their counters can be compared.
/// </summary>
public class BatchTests
{
    public static TheoryData<string> Names => new() { "eax-serpent", "serpent256-cbc" };

    private static ITransform Create(string name) => name == "eax-serpent"
        ? new EaxSerpentTransform(new EaxSerpentOptions())
        : new Serpent256CbcTransform(new Serpent256CbcOptions());

    private static TransformCounters Counters(ITransform t) => t switch
    {
        EaxSerpentTransform e => e.Counters,
        Serpent256CbcTransform c => c.Counters,
        _ => throw new ArgumentException("unknown transform"),
    };

    private static (ITransform, ITransformInstance) Keyed(string name, byte[] key, bool direction)
    {
        var t = Create(name);
        var i = t.CreateInstance();
        i.SetKey(key, direction);
        return (t, i);
    }

    private static PacketBuffer Copy(PacketBuffer p)
    {
        var c = new PacketBuffer(p.Array.Length);
        p.Array.CopyTo(c.Array, 0);
        c.Reset(p.Start);
        c.SetLength(p.Length);
        return c;
    }

    private static void AssertSamePackets(PacketBuffer[] expected, PacketBuffer[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Start, actual[i].Start);
            Assert.Equal(Convert.ToHexString(expected[i].Data), Convert.ToHexString(actual[i].Data));
        }
    }

    private static void AssertSameCounters(TransformCounters a, TransformCounters b)
    {
        Assert.Equal(
            (a.Sealed, a.Opened, a.Unkeyed, a.NoRoom, a.BadLength, a.BadTag, a.BadPadding),
            (b.Sealed, b.Opened, b.Unkeyed, b.NoRoom, b.BadLength, b.BadTag, b.BadPadding));
    }

    /// <summary>A random batch: mostly roomy buffers, some with too little tailroom to seal.</summary>
    private static PacketBuffer[] RandomPlaintexts(Random rng, int count)
    {
        var packets = new PacketBuffer[count];
        for (int i = 0; i < count; i++)
        {
            int length = rng.Next(5) == 0 ? rng.Next(0, 40) : rng.Next(0, 1500);
            bool cramped = rng.Next(10) == 0;
            var p = new PacketBuffer(cramped ? PacketBuffer.DefaultHeadroom + length + 3 : 2048);
            var data = new byte[length];
            rng.NextBytes(data);
            p.CopyFrom(data);
            packets[i] = p;
        }
        return packets;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SealBatchEqualsSealingOneByOne(string name)
    {
        var rng = new Random(name.Length * 7919);
        for (int round = 0; round < 25; round++)
        {
            var key = new byte[128];
            rng.NextBytes(key);
            bool direction = rng.Next(2) == 0;
            var (singleT, single) = Keyed(name, key, direction);
            var (batchT, batch) = Keyed(name, key, direction);
            var expected = RandomPlaintexts(rng, rng.Next(1, 20));
            var actual = expected.Select(Copy).ToArray();
            var sequences = expected.Select(_ => (uint)rng.Next()).ToArray();

            var expectedResults = new TransformResult[expected.Length];
            for (int i = 0; i < expected.Length; i++)
                expectedResults[i] = single.Seal(expected[i], sequences[i]);
            var results = new TransformResult[expected.Length];
            batch.SealBatch(actual, sequences, results);

            Assert.Equal(expectedResults, results);
            AssertSamePackets(expected, actual);
            AssertSameCounters(Counters(singleT), Counters(batchT));
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void OpenBatchEqualsOpeningOneByOneWithBadPacketsMixedIn(string name)
    {
        var rng = new Random(name.Length * 104729);
        int accepted = 0, rejected = 0;
        for (int round = 0; round < 25; round++)
        {
            var key = new byte[128];
            rng.NextBytes(key);
            var (_, sender) = Keyed(name, key, false);
            var (singleT, single) = Keyed(name, key, true);
            var (batchT, batch) = Keyed(name, key, true);
            var expected = RandomPlaintexts(rng, rng.Next(1, 20));
            foreach (var p in expected)
            {
                if (sender.Forward(p) == TransformResult.Ok)
                    Damage(rng, p);
            }
            var actual = expected.Select(Copy).ToArray();

            var expectedResults = new TransformResult[expected.Length];
            var expectedSequences = new uint[expected.Length];
            var expectedErrors = new string?[expected.Length];
            for (int i = 0; i < expected.Length; i++)
                expectedResults[i] = single.Open(expected[i], out expectedSequences[i], out expectedErrors[i]);
            var results = new TransformResult[expected.Length];
            var sequences = new uint[expected.Length];
            var errors = new string?[expected.Length];
            batch.OpenBatch(actual, sequences, results, errors);

            Assert.Equal(expectedResults, results);
            Assert.Equal(expectedSequences, sequences);
            Assert.Equal(expectedErrors, errors);
            AssertSamePackets(expected, actual);
            AssertSameCounters(Counters(singleT), Counters(batchT));
            accepted += results.Count(r => r == TransformResult.Ok);
            rejected += results.Count(r => r != TransformResult.Ok);
        }
        // Both kinds must really have been exercised for the comparison to mean anything.
        Assert.True(accepted > 50, $"accepted {accepted}");
        Assert.True(rejected > 50, $"rejected {rejected}");
    }

    /// <summary>Leaves about half the packets intact; spoils the rest in the ways a wire can.</summary>
    private static void Damage(Random rng, PacketBuffer p)
    {
        switch (rng.Next(8))
        {
            case 0: // flipped bit anywhere
                p.Data[rng.Next(p.Length)] ^= (byte)(1 << rng.Next(8));
                break;
            case 1: // truncated, possibly below the minimum or off the block grid
                p.TryTrimEnd(rng.Next(1, Math.Min(p.Length, 40) + 1));
                break;
            case 2: // replaced by noise of the same length
                rng.NextBytes(p.Data);
                break;
            case 3: // tiny
                p.TryTrimEnd(p.Length - rng.Next(0, 5));
                break;
            default:
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BatchesOfMoreThanEightAndUnkeyedInstancesMatchToo(string name)
    {
        var singleT = Create(name);
        var batchT = Create(name);
        var single = singleT.CreateInstance();
        var batch = batchT.CreateInstance();
        var packets = Enumerable.Range(0, 11).Select(i => TransformTestKit.Packet(new byte[i * 10])).ToArray();
        var copies = packets.Select(Copy).ToArray();
        var results = new TransformResult[11];
        batch.SealBatch(copies, new uint[11], results);
        for (int i = 0; i < 11; i++)
            Assert.Equal(single.Seal(packets[i], 0), results[i]);
        Assert.All(results, r => Assert.Equal(TransformResult.Error, r));
        AssertSameCounters(Counters(singleT), Counters(batchT));
        AssertSamePackets(packets, copies);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BatchRoundTripAllocatesNothing(string name)
    {
        var key = TransformTestKit.ExampleKey();
        var (_, sender) = Keyed(name, key, false);
        var (_, receiver) = Keyed(name, key, true);
        var packets = new PacketBuffer[8];
        var payloads = new byte[8][];
        for (int i = 0; i < 8; i++)
        {
            payloads[i] = new byte[64 + 190 * i];
            packets[i] = new PacketBuffer(2048);
        }
        var sequences = new uint[8];
        var results = new TransformResult[8];
        var errors = new string?[8];
        void RoundTrip()
        {
            for (int i = 0; i < 8; i++)
            {
                packets[i].CopyFrom(payloads[i]);
                sequences[i] = sender.NextSendSequence();
            }
            sender.SealBatch(packets, sequences, results);
            receiver.OpenBatch(packets, sequences, results, errors);
            for (int i = 0; i < 8; i++)
            {
                if (results[i] != TransformResult.Ok || packets[i].Length != payloads[i].Length)
                    throw new InvalidOperationException("batch round trip failed");
            }
        }
        for (int i = 0; i < 200; i++)
            RoundTrip(); // JIT and tiering out of the way
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 300; i++)
            RoundTrip();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
