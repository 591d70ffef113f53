namespace Secnet.Tests.Config;

/// <summary>Where the shared test vectors live: $SECNET_TESTVECTORS, else the team's shared copy.</summary>
internal static class TestVectors
{
    public static string Root =>
        Environment.GetEnvironmentVariable("SECNET_TESTVECTORS") is { Length: > 0 } dir ? dir : "/work/shared/testvectors";

    public static string ConfigCorpus => Path.Combine(Root, "config");
}
