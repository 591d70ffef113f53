using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Tests.Packets;

/// <summary>The report of a bug caught on the data path: one line at once, then at most one every
/// ten seconds, the stack trace only when debug logging is on. Shares a collection with the other
/// tests that make reports, since the counter and the rate limit are the process's.</summary>
[Collection("InternalErrors")]
public sealed class InternalErrorsTests
{
    private sealed class Lines(bool debug) : ILog
    {
        public readonly List<string> All = new();
        public bool IsEnabled(LogClass cls) => debug || cls != LogClass.Debug;
        public void Log(LogClass cls, string message)
        {
            lock (All) All.Add($"{cls}: {message}");
        }
    }

    private static Exception Thrown()
    {
        try
        {
            throw new IndexOutOfRangeException("a parser bug");
        }
        catch (IndexOutOfRangeException e)
        {
            return e;
        }
    }

    [Fact]
    public void TheFirstErrorIsLoggedAtOnceAndTheNextWithinTenSecondsOnlyCounted()
    {
        var log = new Lines(debug: false);
        InternalErrors.Attach(log);
        InternalErrors.ResetRateLimit();
        long before = InternalErrors.Total;

        InternalErrors.Report("the packet loop", Thrown());
        InternalErrors.Report("the packet loop", Thrown());

        Assert.Equal(before + 2, InternalErrors.Total);
        var line = Assert.Single(log.All);
        Assert.StartsWith("Error: internal error in the packet loop, batch dropped (1 since the last report", line);
        Assert.EndsWith("IndexOutOfRangeException: a parser bug", line);
        Assert.DoesNotContain(" at ", line);
    }

    [Fact]
    public void DebugLoggingAddsTheStackTrace()
    {
        var log = new Lines(debug: true);
        InternalErrors.Attach(log);
        InternalErrors.ResetRateLimit();

        InternalErrors.Report("the packet loop", Thrown());

        Assert.Contains(log.All, l => l.Contains("at Secnet.Tests.Packets.InternalErrorsTests.Thrown", StringComparison.Ordinal));
    }
}
