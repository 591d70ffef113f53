using Secnet.Log;
using Secnet.Runtime;

namespace Secnet.Tests.Runtime;

public class PhaseRunnerTests
{
    private sealed class ListLog(LogClass classes) : ILog
    {
        public List<string> Lines { get; } = [];
        public bool IsEnabled(LogClass cls) => (classes & cls) != 0;
        public void Log(LogClass cls, string message)
        {
            if (IsEnabled(cls))
                Lines.Add(message);
        }
    }

    [Fact]
    public void HooksRunInRegistrationOrderWithPhaseTracing()
    {
        var log = new ListLog(LogClass.DebugPhase);
        var phases = new PhaseRunner(log);
        var calls = new List<string>();
        phases.Register(Phase.Setup, p => calls.Add($"first {p} {phases.Current}"));
        phases.Register(Phase.Setup, p => calls.Add($"second {p}"));
        phases.Enter(Phase.ReadConfig);
        phases.Enter(Phase.Setup);

        Assert.Equal(["first Setup Setup", "second Setup"], calls);
        Assert.Equal(
            ["Now in PHASE_READCONFIG", "Running hooks for PHASE_SETUP...", "Now in PHASE_SETUP"],
            log.Lines);
    }

    [Fact]
    public void FatalShutdownRunsCleanupAndKeepsFailedPhaseAsExitCode()
    {
        var phases = new PhaseRunner(new ListLog(LogClass.None));
        var cleaned = false;
        phases.Register(Phase.Shutdown, _ => cleaned = true);
        phases.Enter(Phase.GetResources);
        Assert.Equal(5, phases.EnterShutdownAfterFatal(Phase.GetResources));
        Assert.True(cleaned);
        Assert.Equal(Phase.Shutdown, phases.Current);
    }

    [Fact]
    public void ShutdownHooksRunNewestFirstSoSitesCloseBeforeTheirComms()
    {
        var phases = new PhaseRunner(new ListLog(LogClass.None));
        var calls = new List<string>();
        phases.Register(Phase.Shutdown, _ => calls.Add("comm closes its socket"));
        phases.Register(Phase.Shutdown, _ => calls.Add("site sends MSG7"));
        phases.Enter(Phase.Shutdown);
        Assert.Equal(["site sends MSG7", "comm closes its socket"], calls);
    }

    [Fact]
    public void PhaseNumbersAreSecnetExitCodes()
    {
        Assert.Equal(2, (int)Phase.ReadConfig);
        Assert.Equal(3, (int)Phase.Setup);
        Assert.Equal(8, (int)Phase.Shutdown);
        Assert.Equal("PHASE_CHILDPERSIST", PhaseNames.Of(Phase.ChildPersist));
    }
}
