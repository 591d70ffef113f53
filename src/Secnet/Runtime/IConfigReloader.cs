namespace Secnet.Runtime;

/// <summary>
/// Re-reads the running daemon's configuration (<c>secnet-ctl reload</c>). The control socket
/// finds it in the module context; it is called on the event loop thread, which owns every site's
/// protocol state, so a reload never races a key exchange.
/// </summary>
public interface IConfigReloader
{
    /// <summary>
    /// Reads the configuration file again and applies it: added sites start, removed sites close,
    /// unchanged sites keep their keys. A configuration with an error changes nothing.
    /// </summary>
    ReloadOutcome Reload();
}

/// <param name="Applied">False when the new configuration was refused and the running one stays.</param>
/// <param name="Lines">What happened, one line per site changed; or the error text (file:line, key).</param>
public sealed record ReloadOutcome(bool Applied, IReadOnlyList<string> Lines);
