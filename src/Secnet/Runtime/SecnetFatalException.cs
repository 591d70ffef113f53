namespace Secnet.Runtime;

/// <summary>
/// A fatal error: printed as "secnet fatal error: MESSAGE" and the process exits with the number of
/// the phase it happened in (runtime.md §2). Leave <see cref="Phase"/> null to use the phase the
/// process is in when the error reaches the top level.
/// </summary>
public sealed class SecnetFatalException : Exception
{
    public SecnetFatalException(Phase? phase, string message) : base(message) => Phase = phase;

    public SecnetFatalException(string message) : base(message) { }

    public SecnetFatalException(string message, Exception inner) : base(message, inner) { }

    public SecnetFatalException() { }

    public Phase? Phase { get; }

    /// <summary>secnet's fatal_perror form: "MESSAGE: strerror(errno)".</summary>
    public static SecnetFatalException WithErrno(string message, int errno) =>
        new(null, $"{message}: {Interop.Errno.Describe(errno)}");

    /// <summary>The complete line secnet prints.</summary>
    public string Line => "secnet fatal error: " + Message;
}
