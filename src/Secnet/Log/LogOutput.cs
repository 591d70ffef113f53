namespace Secnet.Log;

/// <summary>
/// The process's real stdout/stderr for log sinks that print there. Once stdio is redirected into
/// the log (background or -m), these keep pointing at the original streams, so a sink that writes
/// to "stderr" can never feed its own output back into the stdio capture.
/// </summary>
public static class LogOutput
{
    private static TextWriter? _stdout;
    private static TextWriter? _stderr;

    public static TextWriter Stdout
    {
        get => _stdout ?? Console.Out;
        set => _stdout = value;
    }

    public static TextWriter Stderr
    {
        get => _stderr ?? Console.Error;
        set => _stderr = value;
    }
}
