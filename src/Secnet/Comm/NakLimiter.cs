using Secnet.Sites.Messages;

namespace Secnet.Comm;

/// <summary>
/// A token bucket for the NAKs a comm sends for datagrams no site claims. 0.6.7 answers every one
/// of them; the answer is never bigger than the datagram, but whoever sends junk with a forged
/// source makes us send NAKs to that address and write a log line each, as fast as they like.
/// A NAK only tells a peer that its index or names are unknown here, and such a peer keeps sending
/// and is told again next time, so a modest rate loses nothing: <see cref="PerSecond"/> a second
/// with bursts of <see cref="Burst"/>, enough to answer a hundred peers at once (a hub restarted
/// with another configuration). Thread-safe; the unclaimed path is not a hot path.
/// </summary>
internal sealed class NakLimiter(Func<long>? clockMs = null)
{
    public const int Burst = 100;
    public const int PerSecond = 100;

    private readonly Func<long> _clock = clockMs ?? (() => Environment.TickCount64);
    private readonly Lock _lock = new();
    private double _tokens = Burst;
    private long _lastMs = long.MinValue;
    private bool _limiting;
    private long _suppressed;

    /// <summary>Whether a datagram no site claimed is answered with a NAK at all, as 0.6.7 answers:
    /// not one too short for a header and a body, nor a NAK (two comms would NAK each other's
    /// NAKs for ever).</summary>
    public static bool Deserves(bool parsed, int length, PacketHeader header) =>
        parsed && length > PacketHeader.Length && header.Label != MessageLabel.Nak;

    /// <summary>NAKs not sent because of the limit.</summary>
    public long Suppressed => Interlocked.Read(ref _suppressed);

    /// <summary>True if the unclaimed datagram described gets a NAK now: it
    /// <see cref="Deserves"/> one and the limit allows it (<see cref="TryTake(out bool)"/>).</summary>
    public bool TryTake(bool parsed, int length, PacketHeader header, out bool startedLimiting)
    {
        startedLimiting = false;
        return Deserves(parsed, length, header) && TryTake(out startedLimiting);
    }

    /// <summary>True if a NAK may be sent now. <paramref name="startedLimiting"/> is true for the
    /// first refusal after NAKs flowed (once per spell, for one log line).</summary>
    public bool TryTake(out bool startedLimiting)
    {
        startedLimiting = false;
        lock (_lock)
        {
            long now = _clock();
            if (_lastMs != long.MinValue)
                _tokens = Math.Min(Burst, _tokens + (now - _lastMs) * (PerSecond / 1000.0));
            _lastMs = now;
            if (_tokens >= 1)
            {
                _tokens -= 1;
                _limiting = false;
                return true;
            }
            startedLimiting = !_limiting;
            _limiting = true;
            _suppressed++;
            return false;
        }
    }
}
