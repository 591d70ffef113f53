using SharpFuzz;

namespace Secnet.Fuzz;

/// <summary>
/// The AFL runner: <c>Secnet.Fuzz TARGET</c> under afl-fuzz runs SharpFuzz's in-process loop
/// (one process, many inputs: the .NET start-up is paid once). <c>Secnet.Fuzz TARGET FILE...</c>
/// replays files once each, for minimising and reproducing a crash.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args is ["--list"])
        {
            foreach (var name in FuzzTargets.Names) Console.WriteLine(name);
            return 0;
        }
        if (args.Length == 0 || !FuzzTargets.Names.Contains(args[0]))
        {
            Console.Error.WriteLine($"usage: Secnet.Fuzz TARGET [FILE...]; targets: {string.Join(' ', FuzzTargets.Names)}");
            return 2;
        }
        if (args.Length > 1)
        {
            var replay = FuzzTargets.Create(args[0]);
            foreach (var file in args.Skip(1)) replay.Run(File.ReadAllBytes(file));
            return 0;
        }
        // Instrumented code may run only inside Fuzzer.Run, which maps AFL's coverage memory
        // first; so the harness (which touches secnet) is built on the first input.
        IFuzzTarget? target = null;
        var buffer = new MemoryStream();
        Fuzzer.Run(stream =>
        {
            target ??= FuzzTargets.Create(args[0]);
            buffer.SetLength(0);
            stream.CopyTo(buffer);
            target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }
}
