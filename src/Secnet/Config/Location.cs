namespace Secnet.Config;

/// <summary>Where a configuration item was written: the file name as given, and the line.</summary>
public sealed record Location(string File, int Line)
{
    public override string ToString() => $"{File}:{Line}";
}
