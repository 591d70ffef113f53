using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// One thread's packets for the host while its batch (a recvmmsg) is open. When the batch
/// closes, runs of segments of each TCP flow are coalesced into GSO packets
/// (<see cref="TcpRunPlanner"/>, <see cref="TcpCoalescer"/>) and everything is written in arrival
/// order, a merged packet in the place of its first segment. Per thread, so no locks; arrays are allocated once.
/// </summary>
internal sealed class TunWriteQueue : BatchStage
{
    private const int Capacity = 256;

    private readonly TunPacketPump _pump;
    private readonly TunDevice _device;
    private readonly TunOffloadCounters _counters;
    private readonly PacketBuffer?[] _packets = new PacketBuffer?[Capacity];
    private readonly TcpRunPlanner _planner = new(Capacity);
    private readonly byte[] _merged = new byte[VirtioNetHeader.Size + TcpCoalescer.MaxLength];
    private int _count;
    private bool _deferred;

    public TunWriteQueue(TunPacketPump pump, TunOffloadCounters counters)
    {
        _pump = pump;
        _device = pump.Device;
        _counters = counters;
    }

    /// <summary>Holds <paramref name="packet"/> until the calling thread's batch closes; false
    /// (packet not taken) when no batch is open.</summary>
    public bool TryEnqueue(PacketBuffer packet)
    {
        if (!_deferred)
        {
            if (!PacketBatch.Defer(this)) return false;
            _deferred = true;
        }
        if (_count == Capacity) FlushBatch();
        _packets[_count++] = packet;
        return true;
    }

    /// <summary>Writes what the batch queued, in arrival order, each run of a TCP flow's segments
    /// as one coalesced GSO packet in the place of its first segment.</summary>
    public override void FlushBatch()
    {
        var count = _count;
        for (var bad = _planner.Plan(_packets, count); bad > 0; bad--) _counters.BadChecksum();
        var merged = _merged.AsSpan();
        for (var i = 0; i < count; i++)
        {
            if (_planner.IsMember(i)) continue;
            int errno;
            if (_planner.RunLength(i) == 1)
            {
                var packet = _packets[i]!;
                int length = packet.Length;
                int written = _device.TryWriteBehindPlainHeader(packet, out errno);
                _pump.Account(written, length, errno, 1);
                packet.Release();
                continue;
            }
            ref readonly var run = ref _planner.RunAt(i);
            var used = TcpCoalescer.WriteHead(_packets[i]!.Data, merged);
            for (var j = _planner.Next(i); j >= 0 && used >= 0; j = _planner.Next(j))
                used = TcpCoalescer.WriteNext(merged, used, _packets[j]!.Data, _planner.Info(j));
            if (used >= 0)
            {
                int length = TcpCoalescer.Finish(merged, run);
                if (_pump.Account(_device.TryWrite(merged[..length], out errno), length, errno, run.Count)) _counters.AddCoalesced(run.Count);
            }
            for (var j = i; j >= 0; j = _planner.Next(j))
            {
                // The run never outgrows the merge area; this only keeps a broken invariant harmless.
                if (used < 0) _pump.WritePlain(_packets[j]!);
                else _packets[j]!.Release();
            }
        }
        _packets.AsSpan(0, count).Clear();
        _count = 0;
        // Registered again by the next packet (also after a flush because the queue was full).
        _deferred = false;
    }
}
