namespace Secnet.Sites;

/// <summary>What <c>secnet-ctl status</c> shows of one site, taken on the owner thread at one
/// moment. Times are relative to <see cref="TakenAt"/>; null where there is nothing to show (no
/// key, no packet yet).</summary>
public sealed record SiteStatus(
    string Name,
    string LocalName,
    DateTimeOffset TakenAt,
    SiteState State,
    bool Keyed,
    IReadOnlyList<string> PeerAddresses,
    string? Transform,
    int Mtu,
    TimeSpan? KeyAge,
    TimeSpan? KeyLifetimeLeft,
    DateTimeOffset? LastKeyExchange,
    DateTimeOffset? LastPacketSent,
    DateTimeOffset? LastPacketReceived,
    long PacketsSent,
    long PacketsReceived,
    long BytesSent,
    long BytesReceived,
    SiteDrops Drops,
    long Malformed,
    long SetupQueueOverflows,
    long KeyExchanges,
    long KeyExchangeFailures);

/// <summary>Dropped packets by reason (<see cref="SiteCounters"/>).</summary>
public sealed record SiteDrops(long NoKey, long Decrypt, long Replay, long KeyUsedUp, long SendFailed, long Error)
{
    public long Total => NoKey + Decrypt + Replay + KeyUsedUp + SendFailed + Error;
}

/// <summary>What <see cref="Site.RequestKeyExchange"/> did.</summary>
public enum RekeyResult
{
    /// <summary>A key exchange began (RUN → RESOLVE or SENTMSG1).</summary>
    Started,

    /// <summary>One was already under way; it goes on.</summary>
    InProgress,

    /// <summary>The site waits after a failed exchange (WAIT) or is stopped: nothing began.</summary>
    NotNow,

    /// <summary>In RUN, but with no address to send to (a mobile peer not yet heard from).</summary>
    NoAddress,
}

public sealed partial class Site
{
    /// <summary>The site as <c>secnet-ctl status</c> reports it (owner thread: it reads protocol state).</summary>
    public SiteStatus Status()
    {
        var now = DateTimeOffset.UtcNow;
        long nowMs = _scheduler.NowMs;
        var keys = _keys;
        var peers = new string[keys.DataAddresses.Length];
        for (int i = 0; i < peers.Length; i++) peers[i] = Comm.SocketAddresses.Format(Comm.SocketAddresses.ToEndPoint(keys.DataAddresses[i].Address));
        TimeSpan? age = null, left = null;
        if (keys.Current is { ExpiresAtMs: not long.MaxValue } key)
        {
            long leftMs = Math.Max(0, key.ExpiresAtMs - nowMs);
            left = TimeSpan.FromMilliseconds(leftMs);
            age = TimeSpan.FromMilliseconds(Math.Max(0, _o.EffectiveKeyLifetimeMs - leftMs));
        }
        var c = Counters;
        return new SiteStatus(
            _o.Name, _o.LocalName, now, _state, keys.Current is not null, peers,
            keys.Current is null ? null : _keyTransformName,
            keys.Current is null ? 0 : keys.Mtu,
            age, left, c.LastKeyExchange,
            TickToWallClock(c.LastDataSentMs, now), TickToWallClock(c.LastDataReceivedMs, now),
            c.Sent, c.Received, c.BytesSent, c.BytesReceived,
            new SiteDrops(c.DroppedNoKey, c.DroppedDecrypt, c.DroppedReplay, c.SequencesExhausted, c.DroppedSendFailed, c.DroppedError),
            c.Malformed, c.SetupOverflow, c.KeyExchanges, c.KeyExchangeFailures);
    }

    /// <summary>The data path stamps packets with <see cref="Environment.TickCount64"/> (cheap,
    /// monotonic); shown as wall-clock time.</summary>
    private static DateTimeOffset? TickToWallClock(long tick, DateTimeOffset now) =>
        tick == 0 ? null : now - TimeSpan.FromMilliseconds(Math.Max(0, Environment.TickCount64 - tick));

    /// <summary><c>secnet-ctl rekey</c> (owner thread): a key exchange now, as if the key were due
    /// for renegotiation; the current key stays in use until the new one is active.</summary>
    public RekeyResult RequestKeyExchange()
    {
        if (_state is >= SiteState.Resolve and <= SiteState.SentMsg5) return RekeyResult.InProgress;
        if (_state != SiteState.Run) return RekeyResult.NotNow;
        return InitiateKeySetup("requested by secnet-ctl", null) ? RekeyResult.Started : RekeyResult.NoAddress;
    }
}
