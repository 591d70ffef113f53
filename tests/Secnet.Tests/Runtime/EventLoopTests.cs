using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public class EventLoopTests
{
    [Fact]
    public void TimersFireInDeadlineOrderThenSchedulingOrder()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        var fired = new List<string>();
        loop.Schedule(30, () => fired.Add("c30"));
        loop.Schedule(10, () => fired.Add("a10"));
        loop.Schedule(10, () => fired.Add("b10"));
        loop.Schedule(20, () => fired.Add("x20"));

        Assert.Equal(0, loop.RunPending());
        clock.Advance(9);
        Assert.Equal(0, loop.RunPending());
        clock.Advance(1);
        Assert.Equal(2, loop.RunPending());
        Assert.Equal(["a10", "b10"], fired);
        clock.Advance(100);
        loop.RunPending();
        Assert.Equal(["a10", "b10", "x20", "c30"], fired);
    }

    [Fact]
    public void DisposedTimerNeverFires()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        var fired = 0;
        var timer = loop.Schedule(5, () => fired++);
        timer.Dispose();
        clock.Advance(10);
        Assert.Equal(0, loop.RunPending());
        Assert.Equal(0, fired);
    }

    [Fact]
    public void TimerScheduledFromCallbackUsesCurrentTime()
    {
        var clock = new ManualClock(1000);
        var loop = new EventLoop(clock);
        var at = new List<long>();
        loop.Schedule(10, () =>
        {
            at.Add(loop.NowMs);
            loop.Schedule(10, () => at.Add(loop.NowMs));
        });
        clock.Advance(10);
        loop.RunPending();
        clock.Advance(10);
        loop.RunPending();
        Assert.Equal([1010L, 1020L], at);
    }

    [Fact]
    public void PostedActionsRunOnTheLoopThreadInOrder()
    {
        var loop = new EventLoop();
        var seen = new List<int>();
        var threads = new HashSet<int>();
        var runner = new Thread(loop.Run);
        runner.Start();
        var posters = Enumerable.Range(0, 4).Select(p => new Thread(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                var n = p * 1000 + i;
                loop.Post(() =>
                {
                    seen.Add(n);
                    threads.Add(Environment.CurrentManagedThreadId);
                });
            }
        })).ToList();
        posters.ForEach(t => t.Start());
        posters.ForEach(t => t.Join());
        loop.Post(loop.Stop);
        Assert.True(runner.Join(TimeSpan.FromSeconds(10)));

        Assert.Equal(400, seen.Count);
        Assert.Equal([runner.ManagedThreadId], threads);
        for (var p = 0; p < 4; p++)
        {
            var mine = seen.Where(n => n / 1000 == p).ToList();
            Assert.Equal(mine.Order().ToList(), mine);
        }
    }

    [Fact]
    public void RunWakesForARealTimer()
    {
        var loop = new EventLoop();
        var start = loop.NowMs;
        long firedAt = 0;
        loop.Schedule(20, () =>
        {
            firedAt = loop.NowMs;
            loop.Stop();
        });
        var runner = new Thread(loop.Run);
        runner.Start();
        Assert.True(runner.Join(TimeSpan.FromSeconds(10)));
        Assert.True(firedAt - start >= 20, $"fired after {firedAt - start} ms");
    }

    [Fact]
    public void ExceptionInCallbackStopsRunAndPropagates()
    {
        var loop = new EventLoop();
        loop.Post(() => throw new InvalidOperationException("boom"));
        var ran = false;
        loop.Post(() => ran = true);
        var e = Assert.Throws<InvalidOperationException>(loop.Run);
        Assert.Equal("boom", e.Message);
        Assert.False(ran);
    }

    [Fact]
    public void FatalErrorFromCallbackKeepsItsPhase()
    {
        var loop = new EventLoop(new ManualClock());
        loop.Post(() => throw new SecnetFatalException(Phase.Run, "userv-ipif died"));
        var e = Assert.Throws<SecnetFatalException>(() => loop.RunPending());
        Assert.Equal(Phase.Run, e.Phase);
        Assert.Equal("secnet fatal error: userv-ipif died", e.Line);
    }

    /// <summary>Posts come from the network: a queue that never empties (a flood, a storm of key
    /// setups) must not keep retransmissions, timeouts and key expiry from firing.</summary>
    [Fact]
    public void DueTimerRunsBeforeWhatWasPostedAfterItFellDueEvenIfTheQueueNeverEmpties()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        int posts = 0, postsWhenFired = -1;
        loop.Schedule(10, () => postsWhenFired = posts);
        void Flood()
        {
            posts++;
            clock.Advance(1);
            // Two more for each one run: the queue only grows.
            if (postsWhenFired < 0 && posts < 10000)
            {
                loop.Post(Flood);
                loop.Post(() => posts++);
            }
        }
        loop.Post(Flood);
        loop.RunPending();
        // Due at 10 ms, after about 10 Floods and their companions: what was posted before then
        // runs first (two posts per millisecond), nothing posted after.
        Assert.InRange(postsWhenFired, 10, 22);
    }

    /// <summary>The other way round: a packet that arrived before its deadline, queued behind a
    /// long stretch of work, is handled before the timeout that fell due while it waited.</summary>
    [Fact]
    public void PostMadeBeforeATimerFellDueRunsFirst()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        var order = new List<string>();
        loop.Schedule(10, () => order.Add("timeout"));
        loop.Post(() =>
        {
            order.Add("long work");
            clock.Advance(50);
        });
        clock.Advance(5);
        loop.Post(() => order.Add("reply that came in time"));
        loop.RunPending();
        Assert.Equal(["long work", "reply that came in time", "timeout"], order);
    }

    [Fact]
    public void TimerRearmingWithoutDelayLetsPostsRun()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock);
        int fired = 0, firedWhenPostRan = -1;
        void Rearm()
        {
            fired++;
            if (fired < 1000) loop.Schedule(0, Rearm);
        }
        loop.Schedule(0, Rearm);
        loop.Schedule(0, () => loop.Post(() => firedWhenPostRan = fired));
        loop.RunPending();
        Assert.Equal(1000, fired);
        Assert.InRange(firedWhenPostRan, 1, 3);
    }
}
