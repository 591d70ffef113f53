using System.Text;
using System.Text.Json;
using Secnet.Sites;

namespace Secnet.Control;

/// <summary>
/// <c>secnet-ctl status --json</c>: the same figures for scripts, written with
/// <see cref="Utf8JsonWriter"/> (no reflection, so Native AOT needs nothing generated). Every key
/// is always present; what does not exist yet is <c>null</c>. Times are ISO 8601 UTC; durations
/// and ages in seconds. The layout is versioned with the protocol (docs/CONTROL.md).
/// </summary>
public static class StatusJson
{
    public static string Format(IReadOnlyList<SiteStatus> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", ControlProtocol.Version);
            w.WriteStartArray("sites");
            foreach (var s in sites) Write(w, s);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter w, SiteStatus s)
    {
        var now = s.TakenAt;
        w.WriteStartObject();
        w.WriteString("name", s.Name);
        w.WriteString("local_name", s.LocalName);
        w.WriteString("state", s.State.LogName().ToLowerInvariant());
        w.WriteBoolean("keyed", s.Keyed);
        w.WriteStartArray("peer_addresses");
        foreach (var a in s.PeerAddresses) w.WriteStringValue(a);
        w.WriteEndArray();
        NullableString(w, "transform", s.Transform);
        if (s.Keyed) w.WriteNumber("mtu", s.Mtu);
        else w.WriteNull("mtu");
        Seconds(w, "key_age_seconds", s.KeyAge);
        Seconds(w, "key_lifetime_left_seconds", s.KeyLifetimeLeft);
        Time(w, "last_key_exchange", s.LastKeyExchange);
        Seconds(w, "last_key_exchange_seconds_ago", now - s.LastKeyExchange);
        Time(w, "last_packet_sent", s.LastPacketSent);
        Seconds(w, "last_packet_sent_seconds_ago", now - s.LastPacketSent);
        Time(w, "last_packet_received", s.LastPacketReceived);
        Seconds(w, "last_packet_received_seconds_ago", now - s.LastPacketReceived);
        w.WriteNumber("packets_sent", s.PacketsSent);
        w.WriteNumber("packets_received", s.PacketsReceived);
        w.WriteNumber("bytes_sent", s.BytesSent);
        w.WriteNumber("bytes_received", s.BytesReceived);
        w.WriteStartObject("drops");
        w.WriteNumber("no_key", s.Drops.NoKey);
        w.WriteNumber("undecryptable", s.Drops.Decrypt);
        w.WriteNumber("replayed", s.Drops.Replay);
        w.WriteNumber("key_used_up", s.Drops.KeyUsedUp);
        w.WriteNumber("send_failed", s.Drops.SendFailed);
        w.WriteNumber("internal", s.Drops.Error);
        w.WriteEndObject();
        w.WriteNumber("malformed", s.Malformed);
        w.WriteNumber("setup_queue_overflows", s.SetupQueueOverflows);
        w.WriteNumber("key_exchanges", s.KeyExchanges);
        w.WriteNumber("key_exchange_failures", s.KeyExchangeFailures);
        w.WriteEndObject();
    }

    private static void NullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void Seconds(Utf8JsonWriter w, string name, TimeSpan? t)
    {
        if (t is { } v) w.WriteNumber(name, Math.Round(Math.Max(0, v.TotalSeconds), 3));
        else w.WriteNull(name);
    }

    private static void Time(Utf8JsonWriter w, string name, DateTimeOffset? t)
    {
        if (t is { } v) w.WriteString(name, v.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        else w.WriteNull(name);
    }
}
