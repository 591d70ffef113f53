namespace Secnet.Sites;

/// <summary>protocol.md §10.1; the names are the log names.</summary>
public enum SiteState
{
    Stop = 0,
    Run = 1,
    Resolve = 2,
    SentMsg1 = 3,
    SentMsg2 = 4,
    SentMsg3 = 5,
    SentMsg4 = 6,
    SentMsg5 = 7,
    Wait = 8,
}

internal static class SiteStateNames
{
    public static string LogName(this SiteState s) => s switch
    {
        SiteState.Stop => "STOP",
        SiteState.Run => "RUN",
        SiteState.Resolve => "RESOLVE",
        SiteState.SentMsg1 => "SENTMSG1",
        SiteState.SentMsg2 => "SENTMSG2",
        SiteState.SentMsg3 => "SENTMSG3",
        SiteState.SentMsg4 => "SENTMSG4",
        SiteState.SentMsg5 => "SENTMSG5",
        _ => "WAIT",
    };
}
