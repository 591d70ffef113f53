namespace Secnet.Tests.Config;

/// <summary>Where the shared test vectors live: $SECNET_TESTVECTORS, else the team's shared copy.</summary>
internal static class TestVectors
{
    public static string Root =>
        Secnet.Tests.TestSupport.RepoPaths.TestVectors;

    public static string ConfigCorpus => Path.Combine(Root, "config");
}
