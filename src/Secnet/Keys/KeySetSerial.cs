namespace Secnet.Keys;

/// <summary>
/// Ordering of key-set serials (NOTES, "Site long-term keys"): sequence-number arithmetic on 32
/// bits, except that 00000000 (also a set with no <c>serial</c> line) is older than every other
/// serial. A missing live file is older still.
/// </summary>
public static class KeySetSerial
{
    /// <summary>True iff a set with <paramref name="candidate"/> should replace one with
    /// <paramref name="current"/> (null: no live set at all). Equal serials are not newer.</summary>
    public static bool IsNewer(uint candidate, uint? current)
    {
        if (current is not uint live) return true;
        if (candidate == live || candidate == 0) return false;
        if (live == 0) return true;
        return unchecked((int)(candidate - live)) > 0;
    }
}
