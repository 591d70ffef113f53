namespace Secnet;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Before anything else: the AVX2 build of this same program, if the CPU can run it.
        Runtime.NativeVariant.SwitchIfBetter();
        // secnet-keygen is a wrapper script that runs us with --keygen first: one binary to ship,
        // and the keygen shares the key-file code the daemon reads keys with.
        if (args.Length > 0 && args[0] == "--keygen")
            return Tools.KeyGen.KeyGenCommand.Run(args[1..], Console.Out, Console.Error);
        // secnet-ctl likewise (--ctl): the client of the daemon's control socket, built with it so
        // both always speak the same protocol version.
        if (args.Length > 0 && args[0] == "--ctl")
            return Tools.Ctl.CtlCommand.Run(args[1..], Console.Out, Console.Error);
        // Hidden: polypath's privileged socket helper, re-executed by the daemon (PolypathPrivsep*).
        if (args.Length > 0 && args[0] == Comm.PolypathPrivsepHelper.Argument)
            return Comm.PolypathPrivsepHelper.Run(args[1..]);
        return Runtime.SecnetMain.Run(args);
    }
}
