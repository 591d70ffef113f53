using System.Text.Json;
using Secnet.Control;
using Secnet.Sites;

namespace Secnet.Tests.Control;

/// <summary>status (text and JSON) and metrics, from fixed site figures.</summary>
public sealed class FormatTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    internal static SiteStatus Keyed(string name = "bravo") => new(
        name, "alpha", Now, SiteState.Run, true, ["[198.51.100.2]:16900"], "eax-serpent", 1400,
        TimeSpan.FromSeconds(125), TimeSpan.FromSeconds(3475), Now.AddSeconds(-125), Now.AddSeconds(-1), Now.AddSeconds(-2),
        1602, 812, 2_285_000, 1_070_000, new SiteDrops(3, 1, 0, 0, 0, 0), 0, 0, 1, 0);

    internal static SiteStatus Unkeyed() => new(
        "charlie", "alpha", Now, SiteState.Wait, false, [], null, 0, null, null, null, null, null,
        3, 0, 600, 0, new SiteDrops(0, 0, 0, 0, 0, 0), 0, 0, 0, 2);

    private static readonly ProcessFigures Process = new("0.6.7-cs 0.1.0", 1.25, 10_000_000, 300_000_000, 1_796_000_000.5, 12, 2_000_000, 9);

    [Fact]
    public void TextIsOneBlockPerSite()
    {
        var text = StatusText.Format([Keyed(), Unkeyed()]);
        Assert.Equal(
            "site: bravo (local alpha)\n" +
            "  state: RUN, keyed\n" +
            "  peer: [198.51.100.2]:16900\n" +
            "  transform: eax-serpent\n" +
            "  mtu: 1400\n" +
            "  key: age 2m 5s, 57m 55s left\n" +
            "  latest key exchange: 2m 5s ago\n" +
            "  latest data packet: sent 1s ago, received 2s ago\n" +
            "  transfer: 1.02 MiB received (812 packets), 2.18 MiB sent (1602 packets)\n" +
            "  drops: no key 3, undecryptable 1\n" +
            "  key exchanges: 1 done, 0 failed\n" +
            "\n" +
            "site: charlie (local alpha)\n" +
            "  state: WAIT, no key\n" +
            "  peer: (none yet)\n" +
            "  latest key exchange: never\n" +
            "  latest data packet: sent never, received never\n" +
            "  transfer: 0 B received (0 packets), 600 B sent (3 packets)\n" +
            "  drops: none\n" +
            "  key exchanges: 0 done, 2 failed\n", text);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(59, "59s")]
    [InlineData(60, "1m 0s")]
    [InlineData(3661, "1h 1m 1s")]
    [InlineData(2 * 86400 + 3600, "2d 1h 0m")]
    public void Durations(int seconds, string text) => Assert.Equal(text, StatusText.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.00 KiB")]
    [InlineData(5L << 30, "5.00 GiB")]
    public void ByteCounts(long n, string text) => Assert.Equal(text, StatusText.Bytes(n));

    [Fact]
    public void JsonHasEveryKeyAndNullsWhereNothingIsKnown()
    {
        using var doc = JsonDocument.Parse(StatusJson.Format([Keyed(), Unkeyed()]));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        var sites = root.GetProperty("sites");
        Assert.Equal(2, sites.GetArrayLength());
        var b = sites[0];
        Assert.Equal("bravo", b.GetProperty("name").GetString());
        Assert.Equal("run", b.GetProperty("state").GetString());
        Assert.True(b.GetProperty("keyed").GetBoolean());
        Assert.Equal("[198.51.100.2]:16900", b.GetProperty("peer_addresses")[0].GetString());
        Assert.Equal("eax-serpent", b.GetProperty("transform").GetString());
        Assert.Equal(1400, b.GetProperty("mtu").GetInt32());
        Assert.Equal(125, b.GetProperty("key_age_seconds").GetDouble());
        Assert.Equal("2026-12-04T08:57:55.000Z", b.GetProperty("last_key_exchange").GetString());
        Assert.Equal(1, b.GetProperty("last_packet_sent_seconds_ago").GetDouble());
        Assert.Equal(2_285_000, b.GetProperty("bytes_sent").GetInt64());
        Assert.Equal(3, b.GetProperty("drops").GetProperty("no_key").GetInt64());
        Assert.Equal(1, b.GetProperty("drops").GetProperty("undecryptable").GetInt64());
        var c = sites[1];
        Assert.Equal("wait", c.GetProperty("state").GetString());
        foreach (var key in new[] { "transform", "mtu", "key_age_seconds", "key_lifetime_left_seconds", "last_key_exchange", "last_packet_sent", "last_packet_received_seconds_ago" })
            Assert.Equal(JsonValueKind.Null, c.GetProperty(key).ValueKind);
        Assert.Equal(2, c.GetProperty("key_exchange_failures").GetInt64());
        var names = b.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(names, c.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void MetricsFamiliesAreWholeAndTyped()
    {
        var text = MetricsText.Format([Keyed(), Unkeyed()], Process);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Every sample follows its own family's HELP and TYPE, and no family appears twice.
        var seen = new HashSet<string>();
        string? family = null;
        foreach (var line in lines)
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                family = line.Split(' ')[2];
                Assert.True(seen.Add(family), $"family {family} twice");
                continue;
            }
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Equal(family, parts[2]);
                Assert.Contains(parts[3], new[] { "counter", "gauge" });
                if (parts[3] == "counter") Assert.EndsWith("_total", family, StringComparison.Ordinal);
                continue;
            }
            var name = line.Split('{', ' ')[0];
            Assert.Equal(family, name);
        }
        Assert.Contains("secnet_site_keyed{site=\"bravo\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("secnet_site_keyed{site=\"charlie\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("secnet_site_transform_info{site=\"bravo\",transform=\"eax-serpent\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secnet_site_transform_info{site=\"charlie\"", text, StringComparison.Ordinal);
        Assert.Contains("secnet_site_bytes_sent_total{site=\"bravo\"} 2285000\n", text, StringComparison.Ordinal);
        Assert.Contains("secnet_site_dropped_packets_total{site=\"bravo\",reason=\"no_key\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("secnet_site_key_exchange_failures_total{site=\"charlie\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("process_start_time_seconds 1796000000.5\n", text, StringComparison.Ordinal);
        Assert.Contains("secnet_build_info{version=\"0.6.7-cs 0.1.0\"} 1\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a\"b", "a\\\"b")]
    [InlineData("a\\b", "a\\\\b")]
    [InlineData("a\nb", "a\\nb")]
    public void LabelValuesAreEscaped(string value, string escaped) => Assert.Equal(escaped, MetricsText.EscapeLabelValue(value));

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(12.0, "12")]
    [InlineData(0.25, "0.25")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    public void NumbersAreWrittenAsTheFormatSays(double v, string text) => Assert.Equal(text, MetricsText.Number(v));

    /// <summary>The metrics text through Prometheus' own Python parser, when Debian's
    /// python3-prometheus-client is there (the end-to-end test requires it).</summary>
    [Fact]
    public void MetricsParseWithPrometheusClient()
    {
        var python = "/usr/bin/python3";
        Assert.True(File.Exists(python), "python3 missing");
        var file = Path.GetTempFileName();
        try
        {
            // A site name with the characters label values must escape.
            File.WriteAllText(file, MetricsText.Format([Keyed("we\"ird\\name"), Unkeyed()], Process));
            var psi = new System.Diagnostics.ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(
                "import sys\n" +
                "from prometheus_client.parser import text_string_to_metric_families\n" +
                "fams = list(text_string_to_metric_families(open(sys.argv[1]).read()))\n" +
                "sites = {s.labels['site'] for f in fams for s in f.samples if 'site' in s.labels}\n" +
                "print(len(fams), sorted(sites))\n");
            psi.ArgumentList.Add(file);
            using var p = System.Diagnostics.Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, output);
            Assert.Contains("['charlie', 'we\"ird\\\\name']", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
