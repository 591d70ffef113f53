namespace Secnet.Tests.TestSupport;

/// <summary>Where things are in the repository the tests were built from.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root (the folder holding Secnet.slnx).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The test vectors: $SECNET_TESTVECTORS, else the copy in tests/vectors.</summary>
    public static string TestVectors { get; } =
        Environment.GetEnvironmentVariable("SECNET_TESTVECTORS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Root, "tests", "vectors");

    /// <summary>A file or folder inside the test vectors.</summary>
    public static string Vector(params string[] parts) => Path.Combine([TestVectors, .. parts]);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Secnet.slnx"))) return d.FullName;
        throw new InvalidOperationException("repository root (Secnet.slnx) not found above " + AppContext.BaseDirectory);
    }
}
