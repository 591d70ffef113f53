using Secnet.Packets;
using Secnet.Runtime;

namespace Secnet.Modules;

/// <summary>
/// The one <see cref="PacketIoLoop"/> of a daemon, shared by every tun netlink and udp comm the
/// configuration creates (secnet's single main loop, for the data path). Created on first use,
/// stopped at SHUTDOWN; none under -j, where nothing runs.
/// </summary>
internal static class SharedPacketLoop
{
    public static PacketIoLoop? Of(ModuleContext modules)
    {
        if (modules.JustCheck || modules.Find<PhaseRunner>() is not { } phases) return null;
        var loop = modules.Find<PacketIoLoop>();
        if (loop is not null) return loop;
        loop = new PacketIoLoop { Fatal = RunFatal.Route(modules.Find<IScheduler>(), modules.Log) };
        modules.Set(loop);
        phases.Register(Phase.Shutdown, _ => loop.Dispose());
        return loop;
    }
}
