namespace Secnet.Log;

/// <summary>A log that changes destination when secnet backgrounds (logfile, syslog).</summary>
public interface IDaemonLog : ILog
{
    /// <summary>DAEMONIZE, background only: open the file / syslog connection.</summary>
    void OpenForBackground();

    /// <summary>SIGHUP: reopen so log rotation takes effect.</summary>
    void Reopen();
}

/// <summary>Finds the <see cref="IDaemonLog"/>s behind a log, looking inside fan-out logs.</summary>
public static class DaemonLogs
{
    public static IEnumerable<IDaemonLog> In(ILog log)
    {
        switch (log)
        {
            case LogSet set:
                foreach (var member in set.Members)
                {
                    foreach (var inner in In(member))
                        yield return inner;
                }
                break;
            case IDaemonLog daemonLog:
                yield return daemonLog;
                break;
        }
    }
}
