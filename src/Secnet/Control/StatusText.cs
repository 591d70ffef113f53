using System.Globalization;
using System.Text;
using Secnet.Sites;

namespace Secnet.Control;

/// <summary>
/// <c>secnet-ctl status</c> for people: one block per site, laid out like <c>wg show</c> (a head
/// line, then indented "name: value" lines; drops only when there are some).
/// </summary>
public static class StatusText
{
    public static string Format(IReadOnlyList<SiteStatus> sites)
    {
        ArgumentNullException.ThrowIfNull(sites);
        if (sites.Count == 0) return "no running sites\n";
        var sb = new StringBuilder();
        for (int i = 0; i < sites.Count; i++)
        {
            if (i > 0) sb.Append('\n');
            Append(sb, sites[i]);
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, SiteStatus s)
    {
        var now = s.TakenAt;
        Line(sb, 0, "site", $"{s.Name} (local {s.LocalName})");
        Line(sb, 2, "state", $"{s.State.LogName()}, {(s.Keyed ? "keyed" : "no key")}");
        Line(sb, 2, s.PeerAddresses.Count > 1 ? "peers" : "peer", s.PeerAddresses.Count == 0 ? "(none yet)" : string.Join(", ", s.PeerAddresses));
        if (s.Keyed)
        {
            Line(sb, 2, "transform", s.Transform ?? "(unknown)");
            Line(sb, 2, "mtu", s.Mtu.ToString(CultureInfo.InvariantCulture));
            if (s.KeyAge is { } age && s.KeyLifetimeLeft is { } left)
                Line(sb, 2, "key", $"age {Duration(age)}, {Duration(left)} left");
        }
        Line(sb, 2, "latest key exchange", s.LastKeyExchange is { } kx ? Ago(now - kx) : "never");
        Line(sb, 2, "latest data packet",
            $"sent {(s.LastPacketSent is { } ls ? Ago(now - ls) : "never")}, received {(s.LastPacketReceived is { } lr ? Ago(now - lr) : "never")}");
        Line(sb, 2, "transfer",
            $"{Bytes(s.BytesReceived)} received ({Count(s.PacketsReceived)} packets), {Bytes(s.BytesSent)} sent ({Count(s.PacketsSent)} packets)");
        Line(sb, 2, "drops", Drops(s));
        Line(sb, 2, "key exchanges", $"{Count(s.KeyExchanges)} done, {Count(s.KeyExchangeFailures)} failed");
    }

    private static void Line(StringBuilder sb, int indent, string name, string value) =>
        sb.Append(' ', indent).Append(name).Append(": ").Append(value).Append('\n');

    private static string Drops(SiteStatus s)
    {
        var parts = new List<string>();
        void Add(string what, long n)
        {
            if (n != 0) parts.Add($"{what} {Count(n)}");
        }
        Add("no key", s.Drops.NoKey);
        Add("undecryptable", s.Drops.Decrypt);
        Add("replayed", s.Drops.Replay);
        Add("key used up", s.Drops.KeyUsedUp);
        Add("send failed", s.Drops.SendFailed);
        Add("internal", s.Drops.Error);
        Add("malformed", s.Malformed);
        Add("setup queue full", s.SetupQueueOverflows);
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    /// <summary>"1h 2m 3s", "4m 0s", "12s".</summary>
    public static string Duration(TimeSpan t)
    {
        long total = Math.Max(0, (long)t.TotalSeconds);
        long d = total / 86400, h = total / 3600 % 24, m = total / 60 % 60, sec = total % 60;
        var inv = CultureInfo.InvariantCulture;
        if (d > 0) return string.Create(inv, $"{d}d {h}h {m}m");
        if (h > 0) return string.Create(inv, $"{h}h {m}m {sec}s");
        if (m > 0) return string.Create(inv, $"{m}m {sec}s");
        return string.Create(inv, $"{sec}s");
    }

    private static string Ago(TimeSpan t) => Duration(t) + " ago";

    /// <summary>Binary units, as <c>wg show</c> prints transfer.</summary>
    public static string Bytes(long n)
    {
        var inv = CultureInfo.InvariantCulture;
        if (n < 1024) return string.Create(inv, $"{n} B");
        string[] units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }
        return string.Create(inv, $"{v:0.00} {units[u]}");
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);
}
