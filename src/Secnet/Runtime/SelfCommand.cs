namespace Secnet.Runtime;

/// <summary>
/// How to start another copy of this program (the daemon copy, the privsep helper). Native AOT
/// and apphost builds are one executable; under "dotnet secnet.dll" the host is the process and
/// the copy needs the assembly path as its first argument.
/// </summary>
internal static class SelfCommand
{
    /// <summary>The assembly argument the host needs, or null when <paramref name="exe"/> is secnet itself.</summary>
    public static string? HostedAssemblyArgument(string exe)
    {
        if (Path.GetFileNameWithoutExtension(exe) != "dotnet")
            return null;
        // Not Assembly.Location: it is empty in single-file and Native AOT builds (IL3000). Under
        // the host the entry assembly always sits in the application's base directory.
        return Path.Combine(AppContext.BaseDirectory, typeof(SelfCommand).Assembly.GetName().Name + ".dll");
    }
}
