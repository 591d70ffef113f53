using System.Reflection;

namespace Secnet.Runtime;

/// <summary>The version string shown by --version and in the starting/finished notices.</summary>
internal static class SecnetVersion
{
    /// <summary>
    /// "0.6.7-cs &lt;our version&gt;": it leads with the secnet release whose protocol and config language
    /// we implement, so scripts that read "secnet 0.6.7" style output still find a comparable version,
    /// and the suffix tells operators (and bug reports) that this is the C# rebuild and which build.
    /// </summary>
    public static string Text { get; } = "0.6.7-cs " + OurVersion();

    private static string OurVersion()
    {
        var version = typeof(SecnetVersion).Assembly.GetName().Version;
        return version is null ? "0.0.0" : $"{version.Major}.{version.Minor}.{version.Build}";
    }
}
