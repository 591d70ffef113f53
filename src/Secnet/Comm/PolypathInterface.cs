namespace Secnet.Comm;

/// <summary>
/// One interface in use: its sockets (at most three) as an immutable array that senders read
/// without locks; only the event-loop thread replaces it.
/// </summary>
internal sealed class PolypathInterface(string name, InterfaceWant want)
{
    private int _noAddressWarned; // bit 0: IPv4, bit 1: IPv6

    public string Name { get; } = name;
    public InterfaceWant Want { get; } = want;
    public PolypathSocket[] Sockets { get; set; } = [];

    /// <summary>True the first time this interface had no socket of the family (bit 0 v4, 1 v6).</summary>
    public bool FirstNoAddress(int familyBit)
    {
        var bit = 1 << familyBit;
        return (Interlocked.Or(ref _noAddressWarned, bit) & bit) == 0;
    }
}
