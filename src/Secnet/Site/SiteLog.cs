using Secnet.Log;

namespace Secnet.Site;

/// <summary>A site's log: filters by <c>log-events</c>, maps events to classes, adds the
/// <c>local&lt;-&gt;peer: </c> prefix.</summary>
internal sealed class SiteLog(ILog log, SiteLogEvents enabled, string localName, string peerName)
{
    private readonly string _prefix = $"{localName}<->{peerName}: ";

    public bool On(SiteLogEvents ev) => (enabled & ev) != 0 && log.IsEnabled(ClassOf(ev));

    public void Write(SiteLogEvents ev, string text)
    {
        if (On(ev)) log.Log(ClassOf(ev), _prefix + text);
    }

    /// <summary>A report the operator asked for (SIGUSR1): info, whatever <c>log-events</c> says.</summary>
    public void Report(string text)
    {
        if (log.IsEnabled(LogClass.Info)) log.Log(LogClass.Info, _prefix + text);
    }

    private static LogClass ClassOf(SiteLogEvents ev) => ev switch
    {
        SiteLogEvents.SetupTimeout => LogClass.Notice,
        SiteLogEvents.Security => LogClass.Security,
        SiteLogEvents.Errors => LogClass.Error,
        SiteLogEvents.StateChange or SiteLogEvents.PacketDrop or SiteLogEvents.DumpPackets or SiteLogEvents.PeerAddrs => LogClass.Debug,
        _ => LogClass.Info,
    };
}
