namespace Secnet.Runtime;

/// <summary>Entry point: command line, then phases. Filled in by the runtime work.</summary>
internal static class SecnetMain
{
    public static int Run(string[] args)
    {
        if (args.Length == 1 && args[0] == "--version")
        {
            Console.Out.WriteLine("secnet 0.1.0 (C#)");
            return 0;
        }
        Console.Error.WriteLine("secnet: not yet runnable");
        return 1;
    }
}
