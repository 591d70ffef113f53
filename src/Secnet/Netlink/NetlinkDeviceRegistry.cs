namespace Secnet.Netlink;

/// <summary>
/// Every netlink device the configuration created, so the runtime can drive their phases
/// (setup, get-resources, run, shutdown) and SIGUSR1 route dumps. Offered to modules through the
/// module context.
/// </summary>
public sealed class NetlinkDeviceRegistry
{
    private readonly List<NetlinkDevice> _devices = new();

    public IReadOnlyList<NetlinkDevice> Devices => _devices;

    public void Add(NetlinkDevice device) => _devices.Add(device);

    public void SetupAll()
    {
        foreach (var d in _devices) d.Setup();
    }

    public void AcquireResourcesAll()
    {
        foreach (var d in _devices) d.AcquireResources();
    }

    public void StartAll()
    {
        foreach (var d in _devices) d.Start();
    }

    public void ShutdownAll()
    {
        foreach (var d in _devices) d.Shutdown();
    }

    public void DumpRoutesAll()
    {
        foreach (var d in _devices) d.DumpRoutesOnRequest();
    }
}
