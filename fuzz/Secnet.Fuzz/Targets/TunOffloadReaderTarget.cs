using Secnet.Interop;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The tun offload reader: the input is what one read of a tun with IFF_VNET_HDR returns (virtio
/// header, then the packet), passed through a pipe so the real readv path runs. What it delivers
/// must be, for a plain packet, the packet itself (its checksum finished if asked); for a TSO
/// packet, segments that are valid IPv4 (TCPV4) or IPv6 (TCPV6) with right TCP checksums. The input's first byte, if
/// odd, repairs the packet's IPv4 length and checksum (and is then dropped).
/// </summary>
internal sealed unsafe class TunOffloadReaderTarget : IFuzzTarget
{
    // A pipe holds 64 KiB; more would block the write.
    private const int MaxInput = 65000;
    private readonly BufferPool _pool = new();
    private readonly TunOffloadCounters _counters = new();
    private readonly TunOffloadReader _reader;
    private readonly int _readFd;
    private readonly int _writeFd;
    private readonly List<PacketBuffer> _delivered = [];

    public TunOffloadReaderTarget()
    {
        _reader = new TunOffloadReader(_counters);
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, 0) != 0) throw new InvalidOperationException("pipe2 failed");
        _readFd = fds[0];
        _writeFd = fds[1];
        Libc.SetNonBlocking(_readFd, true);
    }

    public string Name => "tun-offload-reader";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var bytes = input[1..Math.Min(input.Length, MaxInput)].ToArray();
        if ((input[0] & 1) != 0 && bytes.Length > VirtioNetHeader.Size) PacketFixups.FixIpv4(bytes.AsSpan(VirtioNetHeader.Size));
        if (bytes.Length == 0) return;
        FuzzInvariantException.Check(FdWriter.WriteAll(_writeFd, bytes) == 0, "pipe write");
        var buffer = _pool.Rent();
        _delivered.Clear();
        var result = _reader.Read(_readFd, ref buffer, _pool, _delivered.Add, out int delivered, out _);
        buffer.Release();
        FuzzInvariantException.Check(result == TunReadResult.Packet, $"read result {result}");
        FuzzInvariantException.Check(delivered == _delivered.Count, "delivered count");
        var virtio = bytes.Length >= VirtioNetHeader.Size ? VirtioNetHeader.Read(bytes) : default;
        var packet = bytes.AsSpan(Math.Min(bytes.Length, VirtioNetHeader.Size));
        if (virtio.GsoType == VirtioNetHeader.GsoNone && delivered == 1)
        {
            var got = _delivered[0].Data;
            FuzzInvariantException.Check(got.Length == packet.Length, "a plain packet keeps its length");
            if (!virtio.NeedsChecksum) FuzzInvariantException.Check(got.SequenceEqual(packet), "a plain packet is delivered as read");
        }
        else if (delivered > 0)
        {
            foreach (var segment in _delivered)
            {
                if (segment.Data[0] >> 4 == 6)
                {
                    var v6 = Ipv6Validation.Check(segment.Data);
                    FuzzInvariantException.Check(v6.IsValid, $"segment: invalid IPv6 ({v6.Reason()})");
                    FuzzInvariantException.Check(PacketFixups.Tcp6ChecksumRight(segment.Data), "segment TCP checksum (IPv6)");
                    continue;
                }
                var v = Ipv4Validation.Check(segment.Data);
                FuzzInvariantException.Check(v.IsValid, $"segment: invalid IPv4 ({v.Reason()})");
                FuzzInvariantException.Check(PacketFixups.TcpChecksumRight(segment.Data), "segment TCP checksum");
            }
        }
        foreach (var p in _delivered) p.Release();
    }
}
