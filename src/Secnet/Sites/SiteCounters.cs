namespace Secnet.Sites;

/// <summary>Per-site packet counters, updated from any thread.</summary>
public sealed class SiteCounters
{
    internal long _sent, _received, _dropped, _malformed, _setupOverflow, _sequencesExhausted;

    public long Sent => Interlocked.Read(ref _sent);
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Packets dropped: no key, sequence rejections, decrypt failures.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Datagrams for our index that did not parse.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Key-setup packets (MSG1-6, NAK, PROD) for this site dropped because the owner thread
    /// had not yet taken the ones before them (<see cref="Site.MaxQueuedSetupPackets"/>).</summary>
    public long SetupOverflow => Interlocked.Read(ref _setupOverflow);

    /// <summary>Packets dropped (also in <see cref="Dropped"/>) because the current key had sealed
    /// nearly 2^32 packets and the next key had not come yet (<see cref="Transforms.SequenceBudget"/>).</summary>
    public long SequencesExhausted => Interlocked.Read(ref _sequencesExhausted);

    /// <summary>The SIGUSR1 report (our addition; secnet 0.6.7 only dumps routes).</summary>
    public override string ToString() =>
        $"packets sent {Sent}, received {Received}, dropped {Dropped}, malformed {Malformed}, setup queue overflows {SetupOverflow}, key used up {SequencesExhausted}";
}
