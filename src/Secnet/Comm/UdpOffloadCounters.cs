namespace Secnet.Comm;

/// <summary>What the UDP offloads of one comm did, so that tests and operators can see that
/// segmentation really happens (a silent fallback would only show as lower throughput).</summary>
public sealed class UdpOffloadCounters
{
    internal long _gsoMessages, _gsoDatagrams, _gsoFallbacks, _groMessages, _groDatagrams, _groMalformed;

    /// <summary>UDP_SEGMENT messages handed to the kernel (each several datagrams).</summary>
    public long GsoMessages => Interlocked.Read(ref _gsoMessages);

    /// <summary>Datagrams that went out inside UDP_SEGMENT messages.</summary>
    public long GsoDatagrams => Interlocked.Read(ref _gsoDatagrams);

    /// <summary>Sockets on which the kernel refused segmentation, which is then off for them.</summary>
    public long GsoFallbacks => Interlocked.Read(ref _gsoFallbacks);

    /// <summary>Received messages that UDP_GRO had coalesced.</summary>
    public long GroMessages => Interlocked.Read(ref _groMessages);

    /// <summary>Datagrams split out of coalesced messages.</summary>
    public long GroDatagrams => Interlocked.Read(ref _groDatagrams);

    /// <summary>Coalesced messages dropped because their segment size or length made no sense.</summary>
    public long GroMalformed => Interlocked.Read(ref _groMalformed);
}
