using Secnet.Log;

namespace Secnet.Tests.Config;

/// <summary>Records the lines secnet would show on stderr at its default level.</summary>
internal sealed class CapturingLog : ILog
{
    public List<string> Lines { get; } = new();

    public bool IsEnabled(LogClass cls) => (cls & LogClass.Default) != 0;

    public void Log(LogClass cls, string message)
    {
        if (IsEnabled(cls)) Lines.Add(message);
    }
}
