namespace Secnet.Log;

/// <summary>Several LOG closures acting as one (a <c>log</c> list): each line goes to each member.</summary>
public sealed class LogSet : ILog
{
    private readonly ILog[] _members;

    public LogSet(IEnumerable<ILog> members) => _members = [.. members];

    public IReadOnlyList<ILog> Members => _members;

    public bool IsEnabled(LogClass cls)
    {
        foreach (var member in _members)
        {
            if (member.IsEnabled(cls))
                return true;
        }
        return false;
    }

    public void Log(LogClass cls, string message)
    {
        foreach (var member in _members)
            member.Log(cls, message);
    }
}
