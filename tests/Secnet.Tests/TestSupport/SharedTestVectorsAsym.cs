namespace Secnet.Tests.TestSupport;

/// <summary>Locations of the team's shared test vectors (override with SECNET_TESTVECTORS).</summary>
internal static class SharedTestVectorsAsym
{
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("SECNET_TESTVECTORS") is { Length: > 0 } dir ? dir : "/work/shared/testvectors";

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
