namespace Secnet.Runtime;

/// <summary>secnet's startup phases; the number doubles as the exit code of a fatal error in that phase.</summary>
public enum Phase
{
    Init = 0,
    GetOpts = 1,
    ReadConfig = 2,
    Setup = 3,
    Daemonize = 4,
    GetResources = 5,
    DropPriv = 6,
    Run = 7,
    Shutdown = 8,
    ChildPersist = 9,
}

/// <summary>The names secnet prints in its debug-phase messages.</summary>
public static class PhaseNames
{
    public static string Of(Phase phase) => phase switch
    {
        Phase.Init => "PHASE_INIT",
        Phase.GetOpts => "PHASE_GETOPTS",
        Phase.ReadConfig => "PHASE_READCONFIG",
        Phase.Setup => "PHASE_SETUP",
        Phase.Daemonize => "PHASE_DAEMONIZE",
        Phase.GetResources => "PHASE_GETRESOURCES",
        Phase.DropPriv => "PHASE_DROPPRIV",
        Phase.Run => "PHASE_RUN",
        Phase.Shutdown => "PHASE_SHUTDOWN",
        Phase.ChildPersist => "PHASE_CHILDPERSIST",
        _ => $"PHASE_{(int)phase}",
    };
}
