namespace Secnet;

internal static class Program
{
    private static int Main(string[] args) => Runtime.SecnetMain.Run(args);
}
