using Secnet.Log;

namespace Secnet.Fuzz;

/// <summary>Formats nothing, but says every class is enabled so the logging paths run too.</summary>
internal sealed class NullLog : ILog
{
    public static readonly NullLog Instance = new();

    public bool IsEnabled(LogClass cls) => true;

    public void Log(LogClass cls, string message) => ArgumentNullException.ThrowIfNull(message);
}
