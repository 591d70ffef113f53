using Secnet.Netlink;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// Receive-side coalescing (TcpCoalescer) driven as the tun writer drives it. Input: flags (1:
/// repair each packet's lengths and checksums), then packets with 16-bit lengths. Each finished
/// run must be a GSO packet whose virtio header matches the run, and cut back by the segmenter
/// (as the kernel would) into the run's segments: same count, same payload bytes in order.
/// </summary>
internal sealed class TcpCoalescerTarget : IFuzzTarget
{
    private readonly byte[] _merged = new byte[VirtioNetHeader.Size + TcpCoalescer.MaxLength];
    private readonly byte[] _segment = new byte[TcpCoalescer.MaxLength + 1];

    public string Name => "tcp-coalescer";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        bool fix = (r.U8() & 1) != 0;
        byte[]? head = null;
        TcpRun run = default;
        int used = 0;
        var payloads = new List<byte>();
        while (r.Remaining > 0)
        {
            var packet = r.Chunk().ToArray();
            if (fix) PacketFixups.FixTcp(packet);
            var verdict = TcpCoalescer.Inspect(packet, out var info);
            if (verdict != CoalesceCandidate.Eligible)
            {
                FuzzInvariantException.Check(verdict != CoalesceCandidate.BadChecksum || !PacketFixups.AnyTcpChecksumRight(packet), "a right checksum called bad");
                continue;
            }
            FuzzInvariantException.Check(PacketFixups.AnyTcpChecksumRight(packet), "eligible with a wrong checksum");
            FuzzInvariantException.Check(info.HeaderLength + info.PayloadLength == packet.Length && info.PayloadLength > 0, "segment info");
            if (head is not null && TcpCoalescer.CanAppend(head, run, packet, info))
            {
                TcpCoalescer.Append(ref run, info);
                used = TcpCoalescer.WriteNext(_merged, used, packet, info);
                FuzzInvariantException.Check(used > 0, "room for an accepted segment");
                payloads.AddRange(packet.AsSpan(info.HeaderLength));
                continue;
            }
            if (head is not null) CheckRun(run, payloads);
            head = packet;
            run = TcpCoalescer.Start(info);
            used = TcpCoalescer.WriteHead(packet, _merged);
            FuzzInvariantException.Check(used > 0, "room for a head");
            payloads.Clear();
            payloads.AddRange(packet.AsSpan(info.HeaderLength));
        }
        if (head is not null) CheckRun(run, payloads);
    }

    private void CheckRun(in TcpRun run, List<byte> payloads)
    {
        FuzzInvariantException.Check(run.Length <= TcpCoalescer.MaxLength, "run within 64 KiB");
        int length = TcpCoalescer.Finish(_merged, run);
        FuzzInvariantException.Check(length == VirtioNetHeader.Size + run.Length, "finished length");
        var virtio = VirtioNetHeader.Read(_merged);
        var merged = _merged.AsSpan(VirtioNetHeader.Size, run.Length);
        bool ipv6 = merged[0] >> 4 == 6;
        FuzzInvariantException.Check(virtio.GsoType == (ipv6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4) && virtio.GsoSize == run.SegmentSize
            && virtio.NeedsChecksum && virtio.ChecksumStart == (ipv6 ? Ipv6Header.Length : Ipv4Header.MinLength), "virtio header");
        FuzzInvariantException.Check(ipv6 ? Ipv6Validation.Check(merged).IsValid : Ipv4Validation.Check(merged).IsValid, "merged packet is valid IP");
        var planned = ipv6 ? TcpSegmenter.TryPlan6(merged, run.SegmentSize, out var plan) : TcpSegmenter.TryPlan(merged, run.SegmentSize, out plan);
        FuzzInvariantException.Check(planned, "merged packet segments");
        FuzzInvariantException.Check(plan.Count == run.Count, $"segments {plan.Count}, run {run.Count}");
        int at = 0;
        for (int i = 0; i < plan.Count; i++)
        {
            int n = TcpSegmenter.WriteSegment(merged, plan, i, _segment);
            FuzzInvariantException.Check(n > 0 && PacketFixups.AnyTcpChecksumRight(_segment.AsSpan(0, n)), "re-cut segment");
            var piece = _segment.AsSpan(plan.HeaderLength, n - plan.HeaderLength);
            for (int j = 0; j < piece.Length; j++)
                FuzzInvariantException.Check(piece[j] == payloads[at + j], "payload bytes survive coalescing");
            at += piece.Length;
        }
        FuzzInvariantException.Check(at == payloads.Count, "every payload byte is in the run");
    }
}
