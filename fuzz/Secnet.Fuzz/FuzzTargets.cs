using Secnet.Fuzz.Targets;

namespace Secnet.Fuzz;

/// <summary>Every harness by name: what <c>fuzz/run</c> accepts and what the corpus replay test walks.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "setup-messages", "eax-serpent", "serpent256-cbc", "replay-window", "site-state", "router", "router6",
        "tcp-coalescer", "tcp-segmenter", "tun-offload-reader", "gro-split", "slip", "polypath-record",
        "monitor-line", "config", "control-request", "dns-reply",
    ];

    /// <summary>A fresh harness (each holds its own keyed pair, device or pipe).</summary>
    public static IFuzzTarget Create(string name) => name switch
    {
        "setup-messages" => new SetupMessagesTarget(),
        "eax-serpent" => TransformOpenTarget.Eax(),
        "serpent256-cbc" => TransformOpenTarget.Cbc(),
        "replay-window" => new ReplayWindowTarget(),
        "site-state" => new SiteStateTarget(),
        "router" => new RouterTarget(),
        "router6" => new Router6Target(),
        "tcp-coalescer" => new TcpCoalescerTarget(),
        "tcp-segmenter" => new TcpSegmenterTarget(),
        "tun-offload-reader" => new TunOffloadReaderTarget(),
        "gro-split" => new GroSplitTarget(),
        "slip" => new SlipTarget(),
        "polypath-record" => new PolypathRecordTarget(),
        "monitor-line" => new InterfaceMonitorLineTarget(),
        "config" => new ConfigTarget(),
        "control-request" => new ControlRequestTarget(),
        "dns-reply" => new DnsReplyTarget(),
        _ => throw new ArgumentException($"unknown fuzz target {name}", nameof(name)),
    };
}
