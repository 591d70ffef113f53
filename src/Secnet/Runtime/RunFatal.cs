using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>
/// Where a fatal error found while running goes when it is found off the event loop (the packet
/// loop, a device's reader, a child's watcher): it is posted to the event loop and thrown there, so
/// <see cref="EventLoop.Run"/> rethrows it and the process leaves through the same SHUTDOWN path as
/// every other fatal error (MSG7 to the peers, routes and pidfile removed, the "secnet fatal error"
/// line) with the RUN phase's exit status, 7. Exiting on the spot would skip all of that.
/// </summary>
public static class RunFatal
{
    /// <summary>The route for a daemon whose modules were given an event loop; without one (a
    /// harness that builds a device alone) the error is logged and the process exits with 7, which
    /// is all there is to do when nothing else runs.</summary>
    public static Action<string> Route(IScheduler? loop, ILog log) =>
        loop is not null
            ? message => loop.Post(() => throw new SecnetFatalException(Phase.Run, message))
            : message =>
            {
                log.Log(LogClass.Fatal, "secnet fatal error: " + message);
                Environment.Exit((int)Phase.Run);
            };
}
