namespace Secnet.Fuzz;

/// <summary>
/// One harness: feeds untrusted bytes to a parser and checks what must hold for any input. A
/// broken invariant throws <see cref="FuzzInvariantException"/>; so does any exception the code
/// under test is not allowed to throw, which is left to escape so AFL records it as a crash.
/// </summary>
public interface IFuzzTarget
{
    /// <summary>The name used by <c>fuzz/run</c> and as the corpus folder under fuzz/corpus/.</summary>
    string Name { get; }

    void Run(ReadOnlySpan<byte> input);
}
