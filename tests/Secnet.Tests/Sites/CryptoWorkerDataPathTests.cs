using System.Buffers.Binary;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Tests.Sites;

/// <summary>
/// Batches sealed and opened on crypto workers: whatever order the workers finish in, the wire
/// carries consecutive sequence numbers and the receiver delivers exactly what the one-thread
/// path delivers, in the same order.
/// </summary>
public sealed class CryptoWorkerDataPathTests : IDisposable
{
    private readonly CryptoWorkerPool _workers = new(3);

    public void Dispose() => _workers.Dispose();

    private SitePair Pair(CryptoWorkerPool? workers)
    {
        ITransform eax = new EaxSerpentTransform(new EaxSerpentOptions());
        return new SitePair(o => o with { Transforms = [eax] }, o => o with { Transforms = [eax] }, workers);
    }

    private static byte[] Payload(int i) => [0x45, (byte)(i >> 8), (byte)i, 0xaa, .. new byte[i * 37 % 1300]];

    private static uint WireSequence(byte[] datagram) => BinaryPrimitives.ReadUInt32BigEndian(datagram.AsSpan(datagram.Length - 4));

    private static List<byte[]> DataFrom(SitePair p, int port)
    {
        lock (p.Net.Sent)
            return p.Net.Sent.Where(s => s.From.Port == port && PacketHeader.TryParse(s.Data, out var h) && h.Label == MessageLabel.Msg0)
                .Select(s => s.Data).ToList();
    }

    /// <summary>Batch sizes on both sides of the worker threshold, lone packets between big batches.</summary>
    private static readonly int[] Sizes = [32, 1, 8, 7, 32, 2, 20, 9, 1, 1, 32, 16, 3, 12, 32, 5];

    [Fact]
    public void SealedBatchesLeaveInSequenceOrderAndArriveInSendOrder()
    {
        var p = Pair(_workers);
        p.EstablishKey();
        int before = DataFrom(p, 16900).Count;
        int sentPackets = 0;
        for (int round = 0; round < 4; round++)
        {
            foreach (int size in Sizes)
            {
                PacketBatch.Begin();
                try
                {
                    for (int i = 0; i < size; i++) p.SendFrom(p.Alpha, Payload(sentPackets++));
                }
                finally
                {
                    PacketBatch.End();
                }
            }
        }
        p.Alpha.WaitForCrypto();
        var sent = DataFrom(p, 16900).Skip(before).ToList();
        Assert.Equal(sentPackets, sent.Count);
        var sequences = sent.Select(WireSequence).ToList();
        for (int i = 1; i < sequences.Count; i++) Assert.Equal(sequences[i - 1] + 1, sequences[i]);
        p.Clock.Pump();
        p.Bravo.WaitForCrypto();
        var delivered = p.BravoLink.Delivered.TakeLast(sentPackets).ToList();
        for (int i = 0; i < sentPackets; i++) Assert.Equal(Payload(i), delivered[i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OpenedBatchesDeliverWhatTheOneThreadPathDelivers(bool oneBigReceive)
    {
        // One big receive (a GRO recvmmsg) fills more batches than may be in flight, so the
        // receiving thread itself opens and hands on some of them while workers do the rest.
        int[] sizes = oneBigReceive ? [1000] : [.. Sizes, .. Sizes, .. Sizes, .. Sizes, .. Sizes, .. Sizes];
        var outcomes = new List<List<byte[]>>();
        // One worker: it falls behind, and the receiving thread has to help.
        using var one = new CryptoWorkerPool(1);
        foreach (var workers in new[] { null, oneBigReceive ? one : _workers })
        {
            var p = Pair(workers);
            p.EstablishKey();
            // Like the tun: what a thread delivers inside a batch reaches the host when it closes.
            p.BravoLink.DeferToBatchEnd = true;
            var captured = new List<byte[]>();
            p.Net.Drop = (d, from, _) =>
            {
                bool data = from.Port == 16900 && PacketHeader.TryParse(d, out var h) && h.Label == MessageLabel.Msg0;
                if (data) lock (captured) captured.Add(d);
                return data;
            };
            for (int i = 0; i < 200; i++) p.SendFrom(p.Alpha, Payload(i));
            p.Alpha.WaitForCrypto();
            Assert.Equal(200, captured.Count);
            // Mostly in order, with reordering inside the window, duplicates, a forged packet and
            // stragglers too far behind, in batches of every size.
            var rng = new Random(11);
            var arrivals = Enumerable.Range(0, 400).Select(k => captured[Math.Clamp(k / 2 + rng.Next(-8, 9), 0, 199)]).ToList();
            var forged = (byte[])captured[100].Clone();
            forged[PacketHeader.Length + 2] ^= 1;
            arrivals.Insert(150, forged);
            int before = p.BravoLink.Delivered.Count;
            int next = 0;
            foreach (int size in sizes)
            {
                if (next >= arrivals.Count) break;
                PacketBatch.Begin();
                try
                {
                    for (int i = 0; i < size && next < arrivals.Count; i++) p.BravoComm.Deliver(arrivals[next++], p.AlphaComm.Local);
                }
                finally
                {
                    PacketBatch.End();
                }
            }
            Assert.Equal(arrivals.Count, next);
            p.Bravo.WaitForCrypto();
            lock (p.BravoLink.Delivered) outcomes.Add(p.BravoLink.Delivered.Skip(before).ToList());
        }
        Assert.True(outcomes[0].Count > 150);
        Assert.Equal(outcomes[0], outcomes[1]);
    }
}
