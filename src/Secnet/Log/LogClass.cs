namespace Secnet.Log;

/// <summary>secnet's message classes (bit values are secnet's, runtime.md §4.1).</summary>
[Flags]
public enum LogClass
{
    None = 0,
    DebugConfig = 0x001,
    DebugPhase = 0x002,
    Debug = 0x004,
    Info = 0x008,
    Notice = 0x010,
    Warning = 0x020,
    Error = 0x040,
    Security = 0x080,
    Fatal = 0x100,
    AllDebug = DebugConfig | DebugPhase | Debug,
    Default = Warning | Error | Security | Fatal,
    Verbose = Info | Notice | Warning | Error | Security | Fatal,
    Quiet = Fatal,
}

/// <summary>A destination for log lines (the LOG closure value, or the system log).</summary>
public interface ILog
{
    /// <summary>True if a line of this class would be written anywhere (check before formatting).</summary>
    bool IsEnabled(LogClass cls);

    /// <summary>Writes one line (no trailing newline) of the given class.</summary>
    void Log(LogClass cls, string message);
}
