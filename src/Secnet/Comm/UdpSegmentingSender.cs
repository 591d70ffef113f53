using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Comm;

/// <summary>
/// sendmmsg of a batch for one destination with UDP segmentation offload: runs of equal-length
/// datagrams (see <see cref="GsoPlanner"/>) become one message each, whose iovecs point at the
/// datagrams in place and whose UDP_SEGMENT control message tells the kernel where to cut, so the
/// route lookup, skb and device work is paid once per run instead of once per datagram. The peer
/// still sees the individual datagrams. The first time the kernel refuses a segmented message,
/// segmentation is switched off for this socket for good and the datagrams go one by one.
/// </summary>
internal sealed unsafe class UdpSegmentingSender(UdpOffloadCounters counters, bool enabled)
{
    /// <summary>Datagrams per sendmmsg (and messages, when none can be grouped).</summary>
    public const int MaxChunk = 64;

    private int _enabled = enabled ? 1 : 0;

    public bool Enabled => Volatile.Read(ref _enabled) == 1;

    /// <summary>Sends the datagrams in order to the sockaddr at <paramref name="name"/>: the count of
    /// leading datagrams that went out; fewer than all leaves the failure in <paramref name="errno"/>.
    /// <paramref name="switchedOff"/> is true for the one call that turned segmentation off.</summary>
    public int Send(int fd, ReadOnlySpan<PacketBuffer> datagrams, byte* name, int nameLength, out int errno, out bool switchedOff)
    {
        errno = 0;
        switchedOff = false;
        var messages = stackalloc Libc.MMsgHdr[MaxChunk];
        var iov = stackalloc Libc.IoVec[MaxChunk];
        var pins = stackalloc GCHandle[MaxChunk];
        Span<int> lengths = stackalloc int[MaxChunk];
        Span<GsoMessage> plan = stackalloc GsoMessage[MaxChunk];
        byte* control = stackalloc byte[MaxChunk * UdpOffload.SegmentCmsgSpace];
        int sent = 0;
        while (sent < datagrams.Length)
        {
            int count = Math.Min(datagrams.Length - sent, MaxChunk);
            for (int i = 0; i < count; i++)
            {
                var d = datagrams[sent + i];
                pins[i] = GCHandle.Alloc(d.Array, GCHandleType.Pinned);
                iov[i].Base = (byte*)pins[i].AddrOfPinnedObject() + d.Start;
                iov[i].Length = (nuint)d.Length;
                lengths[i] = d.Length;
            }
            int planned = Enabled ? GsoPlanner.Plan(lengths[..count], plan) : PlanSingles(count, plan);
            for (int m = 0; m < planned; m++)
            {
                var p = plan[m];
                ref var h = ref messages[m].Header;
                h = default;
                h.Name = name;
                h.NameLength = (uint)nameLength;
                h.Iov = iov + p.First;
                h.IovLength = (nuint)p.Count;
                if (p.SegmentSize > 0)
                {
                    byte* c = control + m * UdpOffload.SegmentCmsgSpace;
                    UdpOffload.WriteSegmentSize(c, (ushort)p.SegmentSize);
                    h.Control = c;
                    h.ControlLength = UdpOffload.SegmentCmsgSpace;
                }
                messages[m].Length = 0;
            }
            int done = SendPlanned(fd, messages, plan[..planned], out int failure, out bool refused);
            for (int i = 0; i < count; i++) pins[i].Free();
            sent += done;
            if (refused)
            {
                // The rest of this chunk, from the refused message on, goes again one by one.
                if (Interlocked.Exchange(ref _enabled, 0) == 1)
                {
                    switchedOff = true;
                    Interlocked.Increment(ref counters._gsoFallbacks);
                }
                continue;
            }
            if (failure != 0)
            {
                errno = failure;
                return sent;
            }
        }
        return sent;
    }

    /// <summary>sendmmsg until all planned messages went or one failed: the datagrams sent; a
    /// segmented message the kernel refused sets <paramref name="refused"/>, another failure
    /// leaves its errno in <paramref name="failure"/>.</summary>
    private int SendPlanned(int fd, Libc.MMsgHdr* messages, ReadOnlySpan<GsoMessage> plan, out int failure, out bool refused)
    {
        failure = 0;
        refused = false;
        int done = 0;
        int m = 0;
        while (m < plan.Length)
        {
            int r = Libc.SendMmsg(fd, messages + m, (uint)(plan.Length - m), 0);
            if (r < 0)
            {
                int e = Errno.Last;
                if (e == Errno.EINTR) continue;
                if (plan[m].SegmentSize > 0 && UdpOffload.IsOffloadRefusal(e)) refused = true;
                else failure = e;
                return done;
            }
            for (int k = m; k < m + r; k++)
            {
                done += plan[k].Count;
                if (plan[k].SegmentSize == 0) continue;
                Interlocked.Increment(ref counters._gsoMessages);
                Interlocked.Add(ref counters._gsoDatagrams, plan[k].Count);
            }
            m += r;
        }
        return done;
    }

    private static int PlanSingles(int count, Span<GsoMessage> plan)
    {
        for (int i = 0; i < count; i++) plan[i] = new GsoMessage(i, 1, 0);
        return count;
    }
}
