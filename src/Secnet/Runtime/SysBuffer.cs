using Secnet.Interop;
using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>
/// The <c>sysbuffer</c> closure's object (config.md §4.6): the size of the packet buffers a module
/// should use, and whether memory holding keys should be kept out of swap.
/// </summary>
public sealed class SysBuffer
{
    public const int DefaultSize = 4096;
    public const int MinSize = 64;
    public const int MaxSize = 131072;

    private static int _locked;

    public SysBuffer(int size, bool lockdown)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Size = size;
        Lockdown = lockdown;
    }

    public int Size { get; }
    public bool Lockdown { get; }

    /// <summary>
    /// For <c>lockdown</c>: mlockall once per process so key material is never swapped out.
    /// secnet 0.6.7 accepts the key but does nothing, so a refusal (no CAP_IPC_LOCK, low
    /// RLIMIT_MEMLOCK) is a warning, never a reason to stop a configuration 0.6.7 runs.
    /// </summary>
    public void ApplyLockdown(ILog log)
    {
        if (!Lockdown || Interlocked.Exchange(ref _locked, 1) != 0)
            return;
        if (Libc.MLockAll(Libc.MCL_CURRENT | Libc.MCL_FUTURE) != 0)
            log.Log(LogClass.Warning, $"sysbuffer: lockdown: mlockall: {Errno.Describe(Errno.Last)}");
    }
}
