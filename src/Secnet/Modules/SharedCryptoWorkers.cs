using Secnet.Config;
using Secnet.Packets;
using Secnet.Runtime;

namespace Secnet.Modules;

/// <summary>
/// The daemon's one <see cref="CryptoWorkerPool"/>, shared by every site: sized by the system
/// dictionary's <c>crypto-workers</c>, else one thread per core beyond the packet thread's (none
/// on two cores or fewer). Made at the RUN phase, when the system dictionary has been read;
/// stopped at SHUTDOWN after the sites have sent their last messages.
/// </summary>
internal static class SharedCryptoWorkers
{
    private sealed class None;

    public static CryptoWorkerPool? Of(ModuleContext modules)
    {
        if (modules.JustCheck || modules.Find<PhaseRunner>() is not { } phases) return null;
        if (modules.Find<CryptoWorkerPool>() is { } pool) return pool;
        if (modules.Find<None>() is not null) return null;
        int threads = modules.Find<SystemConfig>()?.CryptoWorkers ?? CryptoWorkerPool.DefaultThreads(Environment.ProcessorCount);
        if (threads == 0)
        {
            modules.Set(new None());
            return null;
        }
        pool = new CryptoWorkerPool(threads);
        modules.Set(pool);
        phases.Register(Phase.Shutdown, _ => pool.Dispose());
        return pool;
    }
}
