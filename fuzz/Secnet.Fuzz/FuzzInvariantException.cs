namespace Secnet.Fuzz;

/// <summary>A harness invariant failed: the input is a bug report, not just a rejected packet.</summary>
public sealed class FuzzInvariantException : Exception
{
    public FuzzInvariantException() { }

    public FuzzInvariantException(string message) : base(message) { }

    public FuzzInvariantException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition) throw new FuzzInvariantException(what);
    }
}
