using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// <c>null-netlink</c> (§12): a router with no kernel behind it. Packets for the host are
/// discarded; soft route changes are only logged.
/// </summary>
public sealed class NullNetlink : NetlinkDevice
{
    public const string DefaultName = "null-netlink";

    public NullNetlink(NetlinkDeviceOptions options, ILog log, BufferPool pool)
        : base(options, log, pool)
    {
        // No interface to wait for: follow route changes from the first quality report, as
        // secnet does.
        EnableKernelRoutes();
    }

    public override bool SupportsSoftRoutes => true;

    protected internal override void QueueToHost(PacketBuffer packet) => packet.Release();

    protected override void SetRoutes(NetlinkClient client, bool up)
    {
        // secnet calls the route hook for soft routes only.
        if (client.IsSoft && Log.IsEnabled(LogClass.Info))
            Log.Log(LogClass.Info, $"{Name}: setting routes for tunnel {client.Name} to state {(up ? "up" : "down")}");
    }
}
