namespace Secnet.Tests.TestSupport;

/// <summary>Locations of the team's shared test vectors (override with SECNET_TESTVECTORS).</summary>
internal static class SharedTestVectorsAsym
{
    public static string Root { get; } =
        RepoPaths.TestVectors;

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
