namespace Secnet.Runtime;

/// <summary>
/// A SITE closure's object as the runtime sees it: the sites named by the sites key are started
/// at the end of SETUP (their state machines then run on the event loop).
/// </summary>
public interface IStartableSite
{
    void Start();
}
