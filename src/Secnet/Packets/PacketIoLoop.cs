using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Secnet.Interop;
using Secnet.Runtime;

namespace Secnet.Packets;

/// <summary>A descriptor that a <see cref="PacketIoLoop"/> watches for input. An abstract class,
/// not an interface: the loop calls tun and socket sources from one call site, where an interface
/// call goes through the runtime's resolve stub, which showed in the profile of a lone ping.</summary>
public abstract class ReadableSource
{
    /// <summary>Read once, when the source is added; it must not change.</summary>
    public abstract int FileDescriptor { get; }

    /// <summary>Handles input (opening its own <see cref="PacketBatch"/>es) with a bounded amount
    /// of work, so one busy descriptor cannot starve the others; poll is level-triggered, so what
    /// is left is taken on the next round. False stops watching the descriptor.</summary>
    public abstract bool OnReadable();
}

/// <summary>
/// The daemon's packet I/O thread: one poll over the tun devices and UDP sockets, as secnet's own
/// main loop does, instead of a thread per descriptor. A ping or a TCP ACK then crosses each daemon
/// on one thread: the reply that a write to the tun produces is read by the same thread, and no
/// second thread is woken (or migrated between CPUs) on every round trip. Measured on the 2-core
/// bench machine, per ping through two daemons: 0.32 ms of CPU and 4.0 context switches, against
/// 0.69 ms and 5.0 with a reader thread per descriptor (bench/README.md).
/// Sources are added and removed at any time (a polypath interface comes and goes); the loop has
/// one owner (the daemon's SharedPacketLoop, a test), which alone disposes it: a source that
/// closes its descriptor first removes itself with <see cref="Remove"/>.
/// </summary>
public sealed unsafe class PacketIoLoop : IDisposable
{
    // A monitor, not a Lock: Remove waits on it for the loop's acknowledgement.
    private readonly object _gate = new();
    private readonly int _wakeRead;
    private readonly int _wakeWrite;
    private ReadableSource[] _sources = [];
    private int _generation;
    private int _seenGeneration;
    private Thread? _thread;
    private volatile bool _stopping;
    private volatile bool _exited;
    private int _stopped;

    public PacketIoLoop()
    {
        int* fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) < 0)
            throw new IOException($"packet loop: pipe(): {Errno.Describe(Errno.Last)}");
        _wakeRead = fds[0];
        _wakeWrite = fds[1];
    }

    /// <summary>Called with the text when poll itself fails (the loop then ends).</summary>
    public Action<string>? Fatal { get; set; }

    /// <summary>True when called on the loop's own thread.</summary>
    public bool IsLoopThread => Thread.CurrentThread == _thread;

    /// <summary>Watches <paramref name="source"/> from the next poll on; starts the thread on first use.</summary>
    public void Add(ReadableSource source)
    {
        lock (_gate)
        {
            if (_stopping) return;
            _sources = [.. _sources, source];
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "secnet packet io" };
                _thread.Start();
                return;
            }
        }
        Wake();
    }

    private void Wake()
    {
        byte b = 1;
        Libc.Write(_wakeWrite, &b, 1);
    }

    // Runs for the daemon's lifetime: tiered compilation would leave it in unoptimized code with
    // on-stack-replacement patchpoints calling into the runtime (5-10 % of the CPU per ping).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Run()
    {
        int capacity = 0;
        Libc.PollFd* fds = null;
        ReadableSource[] sources = [];
        try
        {
            while (!_stopping)
            {
                // The generation first: the array read after it is at least that new.
                int generation = Volatile.Read(ref _generation);
                var current = Volatile.Read(ref _sources);
                if (generation != _seenGeneration) Acknowledge(generation);
                if (!ReferenceEquals(current, sources))
                {
                    sources = current;
                    if (sources.Length + 1 > capacity)
                    {
                        capacity = sources.Length + 1;
                        NativeMemory.Free(fds);
                        fds = (Libc.PollFd*)NativeMemory.AllocZeroed((nuint)(capacity * sizeof(Libc.PollFd)));
                    }
                    // poll() only writes revents: the array is built once per change of sources.
                    for (int i = 0; i < sources.Length; i++)
                        fds[i] = new Libc.PollFd { Fd = sources[i].FileDescriptor, Events = Libc.POLLIN };
                    fds[sources.Length] = new Libc.PollFd { Fd = _wakeRead, Events = Libc.POLLIN };
                }
                if (Libc.Poll(fds, (nuint)(sources.Length + 1), -1) < 0)
                {
                    int errno = Errno.Last;
                    if (errno == Errno.EINTR) continue;
                    Fatal?.Invoke($"packet loop: poll(): {Errno.Describe(errno)}");
                    return;
                }
                if (_stopping) return;
                if (fds[sources.Length].Revents != 0) DrainWakePipe();
                for (int i = 0; i < sources.Length; i++)
                {
                    if (fds[i].Revents == 0) continue;
                    if (!TakeTurn(sources[i])) Remove(sources[i]);
                }
            }
        }
        finally
        {
            NativeMemory.Free(fds);
            _exited = true;
            lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    /// <summary>One source's turn. An exception out of it is a bug reached by what the source read
    /// (a crafted packet, perhaps): that batch is dropped and the error counted and logged
    /// (<see cref="InternalErrors"/>), and the loop goes on serving every other tunnel.</summary>
    private bool TakeTurn(ReadableSource source)
    {
        try
        {
            return source.OnReadable();
        }
        catch (SecnetFatalException e)
        {
            // A broken invariant: the daemon stops, through SHUTDOWN like any fatal error.
            PacketBatch.Abandon();
            Fatal?.Invoke(e.Message);
            return true;
        }
        catch (Exception e) when (InternalErrors.Recoverable(e))
        {
            PacketBatch.Abandon();
            InternalErrors.Report("the packet loop", e);
            return true;
        }
    }

    /// <summary>The loop has finished the rounds that used sources older than
    /// <paramref name="generation"/>: whoever removed one may close its descriptor.</summary>
    private void Acknowledge(int generation)
    {
        lock (_gate)
        {
            _seenGeneration = generation;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Stops watching <paramref name="source"/>. Returns once the loop is no longer
    /// polling or reading it (at once on the loop's own thread, which is between sources then),
    /// so the caller may close its descriptor.</summary>
    public void Remove(ReadableSource source)
    {
        lock (_gate)
        {
            int i = Array.IndexOf(_sources, source);
            if (i < 0) return;
            _sources = [.. _sources[..i], .. _sources[(i + 1)..]];
            int generation = ++_generation;
            if (_thread is null || IsLoopThread || _stopping) return;
            Wake();
            while (_seenGeneration - generation < 0 && !_exited) Monitor.Wait(_gate);
        }
    }

    private void DrainWakePipe()
    {
        byte* b = stackalloc byte[64];
        while (Libc.Read(_wakeRead, b, 64) > 0) { }
    }

    /// <summary>Stops watching everything and waits for the thread (unless called on it). For the
    /// loop's owner only; the sources' owners <see cref="Remove"/> them.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        Thread? thread;
        lock (_gate)
        {
            _stopping = true;
            thread = _thread;
        }
        Wake();
        if (thread is not null && thread != Thread.CurrentThread) thread.Join();
        Libc.Close(_wakeRead);
        Libc.Close(_wakeWrite);
    }
}
