namespace Secnet.Transforms;

/// <summary>Default capability bits (crypto.md §3.1, §4.1), shared by the option records and the config reader.</summary>
public static class EaxSerpentDefaults
{
    public const int CapabilityBit = 9;
}

/// <summary>Default capability bit of serpent256-cbc.</summary>
public static class Serpent256CbcDefaults
{
    public const int CapabilityBit = 8;
}
