namespace Secnet.Config;

/// <summary>
/// How the top level reports a failed configuration: the lines to print (each after the
/// timestamp) and the exit status, for both kinds of configuration exception.
/// </summary>
public static class ConfigFailure
{
    /// <summary>False if <paramref name="e"/> is not a configuration failure.</summary>
    public static bool TryDescribe(Exception e, out IReadOnlyList<string> lines, out int exitCode)
    {
        switch (e)
        {
            case ConfigFileException f:
                lines = f.Lines;
                exitCode = f.ExitCode;
                return true;
            case ConfigException c:
                lines = new[] { c.Message };
                exitCode = c.ExitCode;
                return true;
            default:
                lines = Array.Empty<string>();
                exitCode = 0;
                return false;
        }
    }
}
