using Secnet.Interop;
using Secnet.Packets;

namespace Secnet.Tests.Packets;

[Collection("InternalErrors")]
public sealed unsafe class PacketIoLoopTests
{
    /// <summary>A pipe whose read end the loop watches; each readable wake-up reads one byte.</summary>
    private sealed class PipeSource : ReadableSource, IDisposable
    {
        private readonly int _read;
        private readonly int _write;
        public readonly List<(byte Value, int Thread)> Seen = new();
        public bool KeepWatching = true;
        /// <summary>The value whose turn throws, as a bug reached by one crafted packet would.</summary>
        public byte? ThrowOn;

        public PipeSource()
        {
            int* fds = stackalloc int[2];
            Assert.Equal(0, Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK));
            _read = fds[0];
            _write = fds[1];
        }

        public override int FileDescriptor => _read;

        public void Send(byte value) => Assert.Equal(1, (int)Libc.Write(_write, &value, 1));

        public override bool OnReadable()
        {
            byte b;
            if (Libc.Read(_read, &b, 1) == 1)
            {
                if (b == ThrowOn) throw new IndexOutOfRangeException("a parser bug");
                lock (Seen) Seen.Add((b, Environment.CurrentManagedThreadId));
            }
            return KeepWatching;
        }

        public int Count
        {
            get { lock (Seen) return Seen.Count; }
        }

        public void Dispose()
        {
            Libc.Close(_read);
            Libc.Close(_write);
        }
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 5000;
        while (!condition() && Environment.TickCount64 < deadline) Thread.Sleep(5);
        Assert.True(condition());
    }

    /// <summary>Issue 16: an exception out of one source's turn (a bug a crafted packet reached)
    /// costs that turn only: it is counted, and the loop keeps serving that source and the others,
    /// where it used to end the thread and with it the process.</summary>
    [Fact]
    public void AnExceptionInOneTurnIsCountedAndTheLoopCarriesOn()
    {
        using var a = new PipeSource { ThrowOn = 66 };
        using var b = new PipeSource();
        long before = InternalErrors.Total;
        using var loop = new PacketIoLoop();
        loop.Add(a);
        loop.Add(b);
        a.Send(66);
        WaitUntil(() => InternalErrors.Total > before);
        a.Send(1);
        b.Send(2);
        WaitUntil(() => a.Count == 1 && b.Count == 1);
        Assert.Equal(1, a.Seen[0].Value);
    }

    [Fact]
    public void ServesEverySourceOnOneThreadInOrder()
    {
        using var a = new PipeSource();
        using var b = new PipeSource();
        using (var loop = new PacketIoLoop())
        {
            loop.Add(a);
            a.Send(1);
            WaitUntil(() => a.Count == 1);
            loop.Add(b); // added while the loop is already polling
            b.Send(2);
            a.Send(3);
            a.Send(4);
            WaitUntil(() => a.Count == 3 && b.Count == 1);
        }
        Assert.Equal([1, 3, 4], a.Seen.ConvertAll(s => s.Value));
        Assert.Equal(2, b.Seen[0].Value);
        var thread = a.Seen[0].Thread;
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
        Assert.All(a.Seen, s => Assert.Equal(thread, s.Thread));
        Assert.Equal(thread, b.Seen[0].Thread);
    }

    [Fact]
    public void SourceThatDeclinesIsNoLongerWatchedAndDisposeStopsTheLoop()
    {
        using var a = new PipeSource { KeepWatching = false };
        using var b = new PipeSource();
        var loop = new PacketIoLoop();
        loop.Add(a);
        loop.Add(b);
        a.Send(1);
        WaitUntil(() => a.Count == 1);
        a.Send(2);
        b.Send(3);
        WaitUntil(() => b.Count == 1);
        Assert.Equal(1, a.Count);
        loop.Dispose();
        loop.Dispose();
        b.Send(4);
        Thread.Sleep(50);
        Assert.Equal(1, b.Count);
    }
}
