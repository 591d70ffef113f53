using System.Buffers.Binary;
using Secnet.Packets;
using Secnet.Sites;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Tests.Sites;

/// <summary>
/// The batched data path (PacketBatch scopes around tun drains and recvmmsg): batching must not
/// change what goes on the wire or what is delivered: sequence numbers in wire order, arrival
/// order kept, and the replay window deciding exactly as it does packet by packet.
/// </summary>
public class BatchedDataPathTests
{
    public static TheoryData<string> Transforms => new() { "fake", "eax-serpent" };

    private static SitePair Pair(string transform)
    {
        if (transform == "fake") return new SitePair();
        ITransform eax = new EaxSerpentTransform(new EaxSerpentOptions());
        return new SitePair(o => o with { Transforms = [eax] }, o => o with { Transforms = [eax] });
    }

    private static byte[] Payload(int i) => [0x45, (byte)(i >> 8), (byte)i, 0xaa];

    private static uint WireSequence(byte[] datagram) => BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(datagram.Length - 4));

    private static List<byte[]> DataFrom(SitePair p, int port) =>
        p.Net.Sent.Where(s => s.From.Port == port && PacketHeader.TryParse(s.Data, out var h) && h.Label == MessageLabel.Msg0)
            .Select(s => s.Data).ToList();

    [Theory]
    [MemberData(nameof(Transforms))]
    public void OutgoingBatchIsHeldUntilTheBatchClosesThenSentInOrder(string transform)
    {
        var p = Pair(transform);
        p.EstablishKey();
        int before = DataFrom(p, 16900).Count;
        int count = SendPath.MaxBatch + 5;
        PacketBatch.Begin();
        try
        {
            for (int i = 0; i < 3; i++) p.SendFrom(p.Alpha, Payload(i));
            Assert.Equal(before, DataFrom(p, 16900).Count);
            for (int i = 3; i < count; i++) p.SendFrom(p.Alpha, Payload(i));
            // A full queue is flushed without waiting for the end of the batch.
            Assert.Equal(before + SendPath.MaxBatch, DataFrom(p, 16900).Count);
        }
        finally
        {
            PacketBatch.End();
        }
        var sent = DataFrom(p, 16900);
        Assert.Equal(before + count, sent.Count);
        var sequences = sent.Skip(before).Select(WireSequence).ToList();
        for (int i = 1; i < sequences.Count; i++) Assert.Equal(sequences[i - 1] + 1, sequences[i]);
        p.Clock.Pump();
        var delivered = p.BravoLink.Delivered.TakeLast(count).ToList();
        for (int i = 0; i < count; i++) Assert.Equal(Payload(i), delivered[i]);
    }

    [Theory]
    [MemberData(nameof(Transforms))]
    public void ReplayWindowDecidesPerPacketInArrivalOrderWithinABatch(string transform)
    {
        var p = Pair(transform);
        p.EstablishKey();
        var captured = new List<byte[]>();
        p.Net.Drop = (d, from, _) =>
        {
            bool data = from.Port == 16900 && PacketHeader.TryParse(d, out var h) && h.Label == MessageLabel.Msg0;
            if (data) captured.Add(d);
            return data;
        };
        for (int i = 0; i < 16; i++) p.SendFrom(p.Alpha, Payload(i));
        p.Clock.Pump();
        Assert.Equal(16, captured.Count);
        var corrupt = (byte[])captured[5].Clone();
        corrupt[PacketHeader.Length + 1] ^= 0x40;
        // Arrival order: reordering inside the window, duplicates (also of a packet accepted
        // earlier in the same batch), a forged packet, and one too far behind the newest.
        byte[][] arrivals =
        [
            captured[0], captured[2], captured[1], captured[1], captured[3], corrupt, captured[5],
            captured[15], captured[9], captured[2], captured[14], captured[0], captured[13],
        ];
        int[] expected = [0, 2, 1, 3, 5, 15, 9, 14, 13];
        int deliveredBefore = p.BravoLink.Delivered.Count;
        long droppedBefore = p.Bravo.Counters.Dropped;
        PacketBatch.Begin();
        try
        {
            foreach (var a in arrivals) p.BravoComm.Deliver(a, p.AlphaComm.Local);
            Assert.Equal(deliveredBefore, p.BravoLink.Delivered.Count);
        }
        finally
        {
            PacketBatch.End();
        }
        var delivered = p.BravoLink.Delivered.Skip(deliveredBefore).ToList();
        Assert.Equal(expected.Length, delivered.Count);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(Payload(expected[i]), delivered[i]);
        Assert.Equal(droppedBefore + arrivals.Length - expected.Length, p.Bravo.Counters.Dropped);
        // The forged packet is handled as packet by packet: logged and renegotiated on the owner thread.
        p.Clock.Pump();
        Assert.True(p.BravoLog.Has("initiating key exchange (incoming message would not decrypt)"));
    }

    [Fact]
    public void BatchedAndUnbatchedReceiveDeliverTheSame()
    {
        var outcomes = new List<List<byte[]>>();
        foreach (bool batched in new[] { false, true })
        {
            var p = Pair("eax-serpent");
            p.EstablishKey();
            var captured = new List<byte[]>();
            p.Net.Drop = (d, from, _) =>
            {
                bool data = from.Port == 16900 && PacketHeader.TryParse(d, out var h) && h.Label == MessageLabel.Msg0;
                if (data) captured.Add(d);
                return data;
            };
            for (int i = 0; i < 40; i++) p.SendFrom(p.Alpha, Payload(i));
            var rng = new Random(7);
            var arrivals = Enumerable.Range(0, 80).Select(_ => captured[Math.Clamp(rng.Next(-6, 7) + rng.Next(40), 0, 39)]).ToList();
            int before = p.BravoLink.Delivered.Count;
            if (batched) PacketBatch.Begin();
            foreach (var a in arrivals) p.BravoComm.Deliver(a, p.AlphaComm.Local);
            if (batched) PacketBatch.End();
            outcomes.Add(p.BravoLink.Delivered.Skip(before).ToList());
        }
        Assert.NotEmpty(outcomes[0]);
        Assert.Equal(outcomes[0], outcomes[1]);
    }

    [Fact]
    public void ConcurrentBatchedSendersKeepSequenceAndPerThreadOrder()
    {
        var p = Pair("eax-serpent");
        p.EstablishKey();
        int before = DataFrom(p, 16900).Count;
        const int PerThread = 300;
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            for (int i = 0; i < PerThread; i += 7)
            {
                PacketBatch.Begin();
                try
                {
                    for (int j = i; j < Math.Min(i + 7, PerThread); j++) p.SendFrom(p.Alpha, Payload(t * 1000 + j));
                }
                finally
                {
                    PacketBatch.End();
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var sent = DataFrom(p, 16900).Skip(before).ToList();
        Assert.Equal(2 * PerThread, sent.Count);
        var sequences = sent.Select(WireSequence).ToList();
        for (int i = 1; i < sequences.Count; i++) Assert.Equal(sequences[i - 1] + 1, sequences[i]);
        p.Clock.Pump();
        var delivered = p.BravoLink.Delivered.TakeLast(2 * PerThread).ToList();
        for (int t = 0; t < 2; t++)
        {
            var mine = delivered.Select(d => d[1] << 8 | d[2]).Where(v => v / 1000 == t).ToList();
            Assert.Equal(Enumerable.Range(t * 1000, PerThread).ToList(), mine);
        }
    }
}
