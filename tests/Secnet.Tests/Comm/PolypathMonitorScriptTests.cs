using Secnet.Modules;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Comm;

/// <summary>
/// Our own polypath interface monitor (src/Secnet/polypath-interface-monitor-linux), the default
/// when Debian's is not installed: in a namespace, it reports the addresses present at start and
/// then each address added and removed, in the line format the polypath comm parses.
/// </summary>
public sealed class PolypathMonitorScriptTests
{
    [Fact]
    public void ReportsExistingAddedAndRemovedAddresses()
    {
        Assert.True(NetNs.Available, "needs root and iproute2");
        string script = Path.Combine(AppContext.BaseDirectory, PolypathModules.OwnMonitorName);
        Assert.True(File.Exists(script), script + " is not copied next to the binary");

        using var ns = NetNs.Create("pmon");
        using var peer = NetNs.Create("pmon");
        string a = "pma" + Environment.ProcessId % 10000, b = "pmb" + Environment.ProcessId % 10000;
        ns.ExecChecked("ip", "link", "add", a, "type", "veth", "peer", "name", b, "netns", peer.Name);
        ns.ExecChecked("ip", "link", "set", a, "up");
        ns.ExecChecked("ip", "addr", "add", "192.0.2.9/24", "dev", a);

        var monitor = ns.StartProcess(script);
        var lines = new System.Collections.Concurrent.BlockingCollection<string>();
        monitor.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Add(e.Data); };
        monitor.BeginOutputReadLine();

        string Next()
        {
            while (lines.TryTake(out var line, TimeSpan.FromSeconds(5)))
                if (line.Length > 1 && line[1] == '4' && line.Contains(a, StringComparison.Ordinal)) return line; // IPv6 link-local lines come and go
            return "(nothing within 5 s)";
        }

        Assert.Equal($"+4 {a} 192.0.2.9", Next());
        Thread.Sleep(300);
        ns.ExecChecked("ip", "addr", "add", "198.51.100.9/24", "dev", a);
        Assert.Equal($"+4 {a} 198.51.100.9", Next());
        ns.ExecChecked("ip", "addr", "del", "198.51.100.9/24", "dev", a);
        Assert.Equal($"-4 {a} 198.51.100.9", Next());
        monitor.Kill(entireProcessTree: true);
    }
}
