using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// One thread's packets for the host while its batch (a recvmmsg) is open. When the batch
/// closes, runs of adjacent segments of one TCP flow are coalesced into GSO packets
/// (<see cref="TcpCoalescer"/>) and everything is written in arrival order, a merged packet in
/// the place of its first segment. Per thread, so no locks; arrays are allocated once.
/// </summary>
internal sealed class TunWriteQueue : IBatchStage
{
    private const int Capacity = 256;

    private readonly TunPacketPump _pump;
    private readonly TunOffloadCounters _counters;
    private readonly PacketBuffer?[] _packets = new PacketBuffer?[Capacity];
    private readonly TcpSegmentInfo[] _infos = new TcpSegmentInfo[Capacity];
    private readonly CoalesceCandidate[] _kinds = new CoalesceCandidate[Capacity];
    private readonly byte[] _merged = new byte[VirtioNetHeader.Size + TcpCoalescer.MaxLength];
    private int _count;
    private bool _deferred;

    public TunWriteQueue(TunPacketPump pump, TunOffloadCounters counters)
    {
        _pump = pump;
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
        if (_count == Capacity) Flush();
        _packets[_count++] = packet;
        return true;
    }

    public void FlushBatch()
    {
        _deferred = false;
        Flush();
    }

    private void Flush()
    {
        var count = _count;
        for (var i = 0; i < count; i++)
        {
            _kinds[i] = TcpCoalescer.Inspect(_packets[i]!.Data, out _infos[i]);
            if (_kinds[i] == CoalesceCandidate.BadChecksum) _counters.BadChecksum();
        }
        var start = 0;
        while (start < count)
        {
            var end = start + 1;
            if (_kinds[start] == CoalesceCandidate.Eligible)
            {
                var head = _packets[start]!.Data;
                var run = TcpCoalescer.Start(_infos[start]);
                while (end < count && _kinds[end] == CoalesceCandidate.Eligible
                       && TcpCoalescer.CanAppend(head, run, _packets[end]!.Data, _infos[end]))
                {
                    TcpCoalescer.Append(ref run, _infos[end]);
                    end++;
                }
                if (run.Count > 1)
                {
                    WriteMerged(start, end, run);
                    start = end;
                    continue;
                }
            }
            _pump.WritePlain(_packets[start]!);
            _packets[start] = null;
            start = end;
        }
        _count = 0;
    }

    private void WriteMerged(int start, int end, in TcpRun run)
    {
        var merged = _merged.AsSpan();
        var used = TcpCoalescer.WriteHead(_packets[start]!.Data, merged);
        for (var i = start + 1; i < end && used >= 0; i++)
            used = TcpCoalescer.WriteNext(merged, used, _packets[i]!.Data, _infos[i]);
        if (used >= 0) _pump.WriteMerged(merged[..TcpCoalescer.Finish(merged, run)], run.Count);
        for (var i = start; i < end; i++)
        {
            // The run never outgrows the merge area; this only keeps a broken invariant harmless.
            if (used < 0) _pump.WritePlain(_packets[i]!);
            else _packets[i]!.Release();
            _packets[i] = null;
        }
    }
}
