using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Groups a queue of packets for the host into coalescable runs, one per TCP flow, even when
/// flows interleave (A B A B gives two runs). A run is written in the place of its first
/// packet, so its later members move ahead of other flows' packets but never ahead of a packet
/// of their own flow: any packet of a flow that cannot join its open run closes that run.
/// At most <see cref="MaxOpenRuns"/> runs are open at once; arrays are allocated up front.
/// </summary>
public sealed class TcpRunPlanner
{
    public const int MaxOpenRuns = 8;

    private readonly CoalesceCandidate[] _kinds;
    private readonly TcpSegmentInfo[] _infos;
    private readonly TcpRun[] _runs;
    private readonly int[] _next;
    private readonly int[] _last;
    private readonly bool[] _member;
    private readonly int[] _open = new int[MaxOpenRuns];
    private int _openCount;
    private int _evict;

    public TcpRunPlanner(int capacity)
    {
        _kinds = new CoalesceCandidate[capacity];
        _infos = new TcpSegmentInfo[capacity];
        _runs = new TcpRun[capacity];
        _next = new int[capacity];
        _last = new int[capacity];
        _member = new bool[capacity];
    }

    public int Capacity => _kinds.Length;

    /// <summary>Plans the first <paramref name="count"/> packets; returns how many TCP packets
    /// had a bad checksum (they stay alone).</summary>
    public int Plan(PacketBuffer?[] packets, int count)
    {
        var badChecksums = 0;
        _openCount = 0;
        for (var i = 0; i < count; i++)
        {
            var data = packets[i]!.Data;
            var kind = TcpCoalescer.Inspect(data, out _infos[i]);
            _kinds[i] = kind;
            _member[i] = false;
            _next[i] = -1;
            if (kind == CoalesceCandidate.BadChecksum) badChecksums++;
            var slot = FindFlow(packets, data);
            if (kind != CoalesceCandidate.Eligible)
            {
                if (slot >= 0) _open[slot] = _open[--_openCount];
                continue;
            }
            if (slot >= 0)
            {
                var head = _open[slot];
                if (TcpCoalescer.CanAppend(packets[head]!.Data, _runs[head], data, _infos[i]))
                {
                    TcpCoalescer.Append(ref _runs[head], _infos[i]);
                    _next[_last[head]] = i;
                    _last[head] = i;
                    _member[i] = true;
                    continue;
                }
            }
            else if (_openCount < MaxOpenRuns)
            {
                slot = _openCount++;
            }
            else
            {
                slot = _evict;
                _evict = (_evict + 1) % MaxOpenRuns;
            }
            _open[slot] = i;
            _runs[i] = TcpCoalescer.Start(_infos[i]);
            _last[i] = i;
        }
        return badChecksums;
    }

    /// <summary>True if packet <paramref name="index"/> travels inside an earlier packet's run.</summary>
    public bool IsMember(int index) => _member[index];

    /// <summary>The run that starts at <paramref name="index"/> (Count 2 or more: coalesce).</summary>
    public int RunLength(int index) => _kinds[index] == CoalesceCandidate.Eligible && !_member[index] ? _runs[index].Count : 1;

    public ref readonly TcpRun RunAt(int head) => ref _runs[head];

    /// <summary>The next member of the run after <paramref name="index"/>, or -1.</summary>
    public int Next(int index) => _next[index];

    public ref readonly TcpSegmentInfo Info(int index) => ref _infos[index];

    /// <summary>The open run of the same TCP flow (addresses, ports) as <paramref name="data"/>, or -1.</summary>
    private int FindFlow(PacketBuffer?[] packets, ReadOnlySpan<byte> data)
    {
        if (_openCount == 0 || data.Length < Ipv4Header.MinLength) return -1;
        int addresses, addressLength, ports;
        if (data[0] >> 4 == 4 && data[9] == InternetChecksum.ProtocolTcp)
        {
            (addresses, addressLength, ports) = (12, 8, (data[0] & 0x0f) * 4);
        }
        else if (data[0] >> 4 == 6 && data.Length >= Ipv6Header.Length && Ipv6Header.NextHeader(data) == InternetChecksum.ProtocolTcp)
        {
            (addresses, addressLength, ports) = (8, 32, Ipv6Header.Length);
        }
        else
        {
            return -1;
        }
        if (data.Length < ports + 4) return -1;
        for (var slot = 0; slot < _openCount; slot++)
        {
            var head = packets[_open[slot]]!.Data;
            // A run's head is eligible, so its ports follow a plain header of its family.
            int headPorts = head[0] >> 4 == 6 ? Ipv6Header.Length : Ipv4Header.MinLength;
            if (head[0] >> 4 == data[0] >> 4
                && head.Slice(addresses, addressLength).SequenceEqual(data.Slice(addresses, addressLength))
                && head.Slice(headPorts, 4).SequenceEqual(data.Slice(ports, 4))) return slot;
        }
        return -1;
    }
}
