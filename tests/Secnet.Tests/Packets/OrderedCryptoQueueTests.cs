using Secnet.Packets;

namespace Secnet.Tests.Packets;

public class OrderedCryptoQueueTests
{
    private sealed class Batch(int id, List<int> emitted) : CryptoBatch
    {
        public int ProcessedOn { get; private set; }

        protected internal override void Crypto() => ProcessedOn = Environment.CurrentManagedThreadId;
        protected internal override void FailAll() { }

        public override void Emit()
        {
            lock (emitted) emitted.Add(id);
        }
    }

    [Fact]
    public void BatchesFinishedOutOfOrderLeaveInOrder()
    {
        var emitted = new List<int>();
        var q = new OrderedCryptoQueue<Batch>();
        var batches = Enumerable.Range(0, 5).Select(i => new Batch(i, emitted)).ToArray();
        foreach (var b in batches) q.Add(b);
        foreach (int i in new[] { 3, 1, 4 })
        {
            Assert.True(batches[i].TryClaim());
            batches[i].Process();
            q.EmitReady();
        }
        Assert.Empty(emitted);
        Assert.True(batches[0].TryClaim());
        batches[0].Process();
        q.EmitReady();
        Assert.Equal([0, 1], emitted);
        Assert.False(q.IsEmpty);
        Assert.True(batches[2].TryClaim());
        batches[2].Process();
        q.EmitReady();
        Assert.Equal([0, 1, 2, 3, 4], emitted);
        Assert.True(q.IsEmpty);
    }

    [Fact]
    public void WaitingDoesTheCryptoNoWorkerHasClaimed()
    {
        var emitted = new List<int>();
        var q = new OrderedCryptoQueue<Batch>();
        var batches = Enumerable.Range(0, 3).Select(i => new Batch(i, emitted)).ToArray();
        foreach (var b in batches) q.Add(b);
        q.WaitUntilEmpty();
        Assert.Equal([0, 1, 2], emitted);
        Assert.All(batches, b => Assert.Equal(Environment.CurrentManagedThreadId, b.ProcessedOn));
        // A batch claimed by a (slow) worker is waited for, not done twice.
        var slow = new Batch(9, emitted);
        q.Add(slow);
        Assert.True(slow.TryClaim());
        var worker = new Thread(() =>
        {
            Thread.Sleep(50);
            slow.Process();
        });
        worker.Start();
        q.WaitUntilEmpty();
        worker.Join();
        Assert.Equal([0, 1, 2, 9], emitted);
        Assert.Equal(worker.ManagedThreadId, slow.ProcessedOn);
    }

    [Fact]
    public void PoolRunsWorkOnItsThreadsAndRefusesWorkOnceStopped()
    {
        var pool = new CryptoWorkerPool(2);
        var threads = new System.Collections.Concurrent.ConcurrentBag<int>();
        using var done = new CountdownEvent(50);
        var queue = new OrderedCryptoQueue<Work>();
        // Start arms each batch and hands it to the pool; the crypto then runs on a worker.
        for (int i = 0; i < 50; i++) queue.Start(new Work(threads, done), pool);
        Assert.True(done.Wait(5000));
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
        pool.Dispose();
        Assert.False(pool.Submit(new Work(threads, done)));
    }

    [Fact]
    public void DefaultPoolLeavesTwoCoreMachinesToThePacketThread()
    {
        Assert.Equal(0, CryptoWorkerPool.DefaultThreads(1));
        Assert.Equal(0, CryptoWorkerPool.DefaultThreads(2));
        Assert.Equal(3, CryptoWorkerPool.DefaultThreads(4));
        Assert.Equal(8, CryptoWorkerPool.DefaultThreads(64));
    }

    private sealed class Work(System.Collections.Concurrent.ConcurrentBag<int> threads, CountdownEvent done) : CryptoBatch
    {
        protected internal override void FailAll() { }
        protected internal override void Crypto()
        {
            threads.Add(Environment.CurrentManagedThreadId);
            done.Signal();
        }

        public override void Emit()
        {
        }
    }
}

/// <summary>Issue 16: crypto that throws (a bug) fails the batch's packets instead of ending the
/// worker thread, and with it the process.</summary>
[Collection("InternalErrors")]
public sealed class CryptoFailureTests
{
    private sealed class Throwing : CryptoBatch
    {
        public bool Failed, Emitted;
        protected internal override void Crypto() => throw new ArgumentOutOfRangeException("lane", "a kernel bug");
        protected internal override void FailAll() => Failed = true;
        public override void Emit() => Emitted = true;
    }

    [Fact]
    public void CryptoThatThrowsFailsTheBatchAndIsCounted()
    {
        var batch = new Throwing();
        long before = InternalErrors.Total;
        batch.Arm(() => { });
        batch.Run();
        Assert.True(batch.Failed);
        Assert.True(batch.Done);
        Assert.True(InternalErrors.Total > before);
    }
}
