using System.Globalization;
using System.Text;
using Secnet.Sites;

namespace Secnet.Control;

/// <summary>Process-wide figures for the <c>process_*</c> metrics (Prometheus' standard names).</summary>
public sealed record ProcessFigures(
    string Version, double CpuSeconds, long ResidentBytes, long VirtualBytes, double StartTimeSeconds,
    int OpenFds, long ManagedHeapBytes, int Threads);

/// <summary>
/// <c>secnet-ctl metrics</c> and the listener's <c>/metrics</c>: the Prometheus text exposition
/// format, version 0.0.4, written by hand. We looked for a library first: prometheus-net (the
/// well-kept one) keeps its own registry of metric objects, so every counter the data path keeps
/// would be copied into it on each scrape, and its HTTP server needs HttpListener or ASP.NET Core
/// (megabytes in a Native AOT binary, threads of its own); the format itself is a few lines
/// of text with one escaping rule. Families are written whole (HELP, TYPE, every site's sample),
/// as the format requires; label values are escaped (\\, \", \n).
/// </summary>
public static class MetricsText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Format(IReadOnlyList<SiteStatus> sites, ProcessFigures process)
    {
        ArgumentNullException.ThrowIfNull(sites);
        ArgumentNullException.ThrowIfNull(process);
        var sb = new StringBuilder();
        Family(sb, "secnet_build_info", "gauge", "Always 1; the label says which secnet runs.");
        Sample(sb, "secnet_build_info", Label("version", process.Version), 1);
        Family(sb, "secnet_sites", "gauge", "Running sites.");
        Sample(sb, "secnet_sites", "", sites.Count);

        PerSite(sb, sites, "secnet_site_info", "gauge", "Always 1; the labels say the site's local name and state.",
            s => 1, s => Label("local_name", s.LocalName) + "," + Label("state", s.State.LogName().ToLowerInvariant()));
        PerSite(sb, sites, "secnet_site_keyed", "gauge", "1 if the site has a current key (data can flow).", s => s.Keyed ? 1 : 0);
        PerSiteIf(sb, sites, "secnet_site_transform_info", "gauge", "Always 1; the label names the negotiated transform.",
            s => s.Transform is not null, s => Label("transform", s.Transform!));
        PerSiteIf(sb, sites, "secnet_site_mtu_bytes", "gauge", "The MTU negotiated for the current key.", s => s.Keyed, s => "", s => s.Mtu);
        PerSiteIf(sb, sites, "secnet_site_key_age_seconds", "gauge", "Age of the current key.",
            s => s.KeyAge is not null, s => "", s => s.KeyAge!.Value.TotalSeconds);
        PerSiteIf(sb, sites, "secnet_site_key_lifetime_left_seconds", "gauge", "Time until the current key expires.",
            s => s.KeyLifetimeLeft is not null, s => "", s => s.KeyLifetimeLeft!.Value.TotalSeconds);
        PerSiteIf(sb, sites, "secnet_site_last_key_exchange_timestamp_seconds", "gauge", "When the last key exchange ended in a new key (Unix time).",
            s => s.LastKeyExchange is not null, s => "", s => Unix(s.LastKeyExchange!.Value));
        PerSiteIf(sb, sites, "secnet_site_last_packet_sent_timestamp_seconds", "gauge", "When the last data packet was sent (Unix time).",
            s => s.LastPacketSent is not null, s => "", s => Unix(s.LastPacketSent!.Value));
        PerSiteIf(sb, sites, "secnet_site_last_packet_received_timestamp_seconds", "gauge", "When the last data packet was received (Unix time).",
            s => s.LastPacketReceived is not null, s => "", s => Unix(s.LastPacketReceived!.Value));
        PerSite(sb, sites, "secnet_site_packets_sent_total", "counter", "Datagrams sent to the peer (data and key setup).", s => s.PacketsSent);
        PerSite(sb, sites, "secnet_site_packets_received_total", "counter", "Datagrams received from the peer (data and key setup).", s => s.PacketsReceived);
        PerSite(sb, sites, "secnet_site_bytes_sent_total", "counter", "UDP payload bytes sent to the peer.", s => s.BytesSent);
        PerSite(sb, sites, "secnet_site_bytes_received_total", "counter", "UDP payload bytes received from the peer.", s => s.BytesReceived);

        Family(sb, "secnet_site_dropped_packets_total", "counter", "Packets dropped, by reason.");
        foreach (var s in sites)
        {
            var site = Label("site", s.Name);
            DropSample(sb, site, "no_key", s.Drops.NoKey);
            DropSample(sb, site, "undecryptable", s.Drops.Decrypt);
            DropSample(sb, site, "replayed", s.Drops.Replay);
            DropSample(sb, site, "key_used_up", s.Drops.KeyUsedUp);
            DropSample(sb, site, "send_failed", s.Drops.SendFailed);
            DropSample(sb, site, "internal", s.Drops.Error);
        }
        PerSite(sb, sites, "secnet_site_malformed_packets_total", "counter", "Datagrams for this site that did not parse.", s => s.Malformed);
        PerSite(sb, sites, "secnet_site_setup_queue_overflows_total", "counter", "Key-setup packets dropped because too many waited.", s => s.SetupQueueOverflows);
        PerSite(sb, sites, "secnet_site_key_exchanges_total", "counter", "Key exchanges that ended in a new key.", s => s.KeyExchanges);
        PerSite(sb, sites, "secnet_site_key_exchange_failures_total", "counter", "Key exchanges given up (timeout, refusal, no address).", s => s.KeyExchangeFailures);

        Family(sb, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.");
        Sample(sb, "process_cpu_seconds_total", "", process.CpuSeconds);
        Family(sb, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
        Sample(sb, "process_resident_memory_bytes", "", process.ResidentBytes);
        Family(sb, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.");
        Sample(sb, "process_virtual_memory_bytes", "", process.VirtualBytes);
        Family(sb, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.");
        Sample(sb, "process_start_time_seconds", "", process.StartTimeSeconds);
        Family(sb, "process_open_fds", "gauge", "Number of open file descriptors.");
        Sample(sb, "process_open_fds", "", process.OpenFds);
        Family(sb, "process_threads", "gauge", "Number of OS threads in the process.");
        Sample(sb, "process_threads", "", process.Threads);
        Family(sb, "secnet_managed_heap_bytes", "gauge", "Bytes the .NET garbage collector holds as allocated.");
        Sample(sb, "secnet_managed_heap_bytes", "", process.ManagedHeapBytes);
        return sb.ToString();
    }

    private static void DropSample(StringBuilder sb, string site, string reason, long n) =>
        Sample(sb, "secnet_site_dropped_packets_total", site + "," + Label("reason", reason), n);

    private static void PerSite(StringBuilder sb, IReadOnlyList<SiteStatus> sites, string name, string type, string help,
        Func<SiteStatus, double> value, Func<SiteStatus, string>? labels = null) =>
        PerSiteIf(sb, sites, name, type, help, _ => true, labels ?? (_ => ""), value);

    private static void PerSiteIf(StringBuilder sb, IReadOnlyList<SiteStatus> sites, string name, string type, string help,
        Func<SiteStatus, bool> present, Func<SiteStatus, string> labels, Func<SiteStatus, double>? value = null)
    {
        Family(sb, name, type, help);
        foreach (var s in sites)
        {
            if (!present(s)) continue;
            var extra = labels(s);
            Sample(sb, name, Label("site", s.Name) + (extra.Length > 0 ? "," + extra : ""), value?.Invoke(s) ?? 1);
        }
    }

    private static void Family(StringBuilder sb, string name, string type, string help) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
          .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder sb, string name, string labels, double value)
    {
        sb.Append(name);
        if (labels.Length > 0) sb.Append('{').Append(labels).Append('}');
        sb.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>Go's float text: integers without a point, others round-trip; the format's
    /// special values for infinities and NaN.</summary>
    public static string Number(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf"
        : v == Math.Floor(v) && Math.Abs(v) < 1e15 ? ((long)v).ToString(CultureInfo.InvariantCulture)
        : v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>name="value" with the value escaped as the exposition format says.</summary>
    public static string Label(string name, string value) => name + "=\"" + EscapeLabelValue(value) + "\"";

    public static string EscapeLabelValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    private static double Unix(DateTimeOffset t) => Math.Round(t.ToUnixTimeMilliseconds() / 1000.0, 3);
}
