using System.Runtime.InteropServices;

namespace Secnet.Comm;

/// <summary>
/// The libc calls only polypath needs: fnmatch (so interface globs behave exactly as in secnet),
/// sendto on a raw fd (a failed send is a result code, not an exception, on the packet path) and
/// SO_BINDTODEVICE's numbers.
/// </summary>
internal static unsafe partial class PolypathNative
{
    public const int FnmNoMatch = 1;
    public const int SolSocket = 1;
    public const int SoBindToDevice = 25;
    public const int MsgDontWait = 0x40;

    /// <summary>fnmatch(pattern, name, 0): 0 = match, <see cref="FnmNoMatch"/>, anything else = error.</summary>
    public static int FnMatch(string pattern, string name) => fnmatch(pattern, name, 0);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int fnmatch(string pattern, string name, int flags);
}
