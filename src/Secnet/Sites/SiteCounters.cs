namespace Secnet.Sites;

/// <summary>
/// Per-site packet counters. The data path updates them from any thread with plain
/// <see cref="Interlocked"/> adds and volatile writes (no allocation, no lock); the owner
/// thread's fields (key exchanges) are written and read on the owner thread only. Read for the
/// SIGUSR1 line and for <c>secnet-ctl status</c>/<c>metrics</c> (Control/).
/// </summary>
public sealed class SiteCounters
{
    internal long _sent, _received, _dropped, _malformed, _setupOverflow, _sequencesExhausted;
    internal long _bytesSent, _bytesReceived;
    // Drops by reason; their sum, with _sequencesExhausted, is _dropped.
    internal long _dropNoKey, _dropDecrypt, _dropReplay, _dropSendFailed, _dropError;
    // Environment.TickCount64 of the last data packet (MSG0) each way; 0: none yet.
    internal long _lastDataSentMs, _lastDataReceivedMs;

    public long Sent => Interlocked.Read(ref _sent);
    public long Received => Interlocked.Read(ref _received);

    /// <summary>Bytes of the datagrams counted in <see cref="Sent"/> (UDP payload).</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Bytes of the datagrams counted in <see cref="Received"/> (UDP payload).</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>Packets dropped: no key, sequence rejections, decrypt failures.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Outgoing packets dropped because there was no key (or no peer address) yet.</summary>
    public long DroppedNoKey => Interlocked.Read(ref _dropNoKey);

    /// <summary>Incoming data packets that no key would open.</summary>
    public long DroppedDecrypt => Interlocked.Read(ref _dropDecrypt);

    /// <summary>Incoming data packets refused by the replay window (old or repeated sequence number).</summary>
    public long DroppedReplay => Interlocked.Read(ref _dropReplay);

    /// <summary>Sealed packets that no peer address took (sendto/sendmmsg failed).</summary>
    public long DroppedSendFailed => Interlocked.Read(ref _dropSendFailed);

    /// <summary>Packets dropped for want of buffer room or by a failed seal.</summary>
    public long DroppedError => Interlocked.Read(ref _dropError);

    /// <summary>Datagrams for our index that did not parse.</summary>
    public long Malformed => Interlocked.Read(ref _malformed);

    /// <summary>Key-setup packets (MSG1-6, NAK, PROD) for this site dropped because the owner thread
    /// had not yet taken the ones before them (<see cref="Site.MaxQueuedSetupPackets"/>).</summary>
    public long SetupOverflow => Interlocked.Read(ref _setupOverflow);

    /// <summary>Packets dropped (also in <see cref="Dropped"/>) because the current key had sealed
    /// nearly 2^32 packets and the next key had not come yet (<see cref="Transforms.SequenceBudget"/>).</summary>
    public long SequencesExhausted => Interlocked.Read(ref _sequencesExhausted);

    /// <summary><see cref="Environment.TickCount64"/> of the last data packet sent; 0 if none.</summary>
    public long LastDataSentMs => Volatile.Read(ref _lastDataSentMs);

    /// <summary><see cref="Environment.TickCount64"/> of the last data packet received and opened; 0 if none.</summary>
    public long LastDataReceivedMs => Volatile.Read(ref _lastDataReceivedMs);

    /// <summary>Key exchanges that ended in a new key (owner thread).</summary>
    public long KeyExchanges { get; internal set; }

    /// <summary>Key exchanges given up: timed out, refused, or no peer address (owner thread).</summary>
    public long KeyExchangeFailures { get; internal set; }

    /// <summary>Wall-clock time of the last key exchange that ended in a new key (owner thread).</summary>
    public DateTimeOffset? LastKeyExchange { get; internal set; }

    /// <summary>The SIGUSR1 report (our addition; secnet 0.6.7 only dumps routes).</summary>
    public override string ToString() =>
        $"packets sent {Sent}, received {Received}, dropped {Dropped}, malformed {Malformed}, setup queue overflows {SetupOverflow}, key used up {SequencesExhausted}";
}
