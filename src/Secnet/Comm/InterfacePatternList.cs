using Secnet.Config;
using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>
/// Decides which interfaces polypath uses (runtime.md §8). The configured list is searched first
/// and the first matching pattern decides. If nothing matches and the configured list ended with a
/// positive pattern, the interface is excluded; otherwise <c>!lo</c> (unless loopback is permitted)
/// and then the default list decide. Like secnet, an invalid pattern is reported when the search
/// reaches it, as a config error at the polypath invocation.
/// </summary>
public sealed class InterfacePatternList
{
    private static readonly string[] LoopbackPatterns = ["!lo"];
    private static readonly string[] DefaultPatterns = ["!tun*", "!tap*", "!sl*", "!userv*", "@hippo*", "*"];

    private readonly IReadOnlyList<string> _configured;
    private readonly Location? _location;

    public InterfacePatternList(IReadOnlyList<string>? configured, bool permitLoopback, Location? location)
    {
        _configured = configured ?? [];
        PermitLoopback = permitLoopback;
        _location = location;
    }

    public bool PermitLoopback { get; }

    /// <summary>
    /// The configuration-time check secnet makes: a search for the name " " with loopback not
    /// permitted, which validates every configured pattern up to the first one matching " ".
    /// </summary>
    public static void Validate(IReadOnlyList<string>? configured, Location? location) =>
        new InterfacePatternList(configured, permitLoopback: false, location).Decide(" ");

    /// <summary>The sense for <paramref name="interfaceName"/>; throws <see cref="ConfigException"/>
    /// when the search meets an invalid pattern.</summary>
    public InterfaceWant Decide(string interfaceName)
    {
        // An empty configured list behaves as if it ended with a negative pattern.
        var want = InterfaceWant.Exclude;
        if (Search(_configured, interfaceName, ref want))
            return want;
        if (want != InterfaceWant.Exclude)
            return InterfaceWant.Exclude;
        if (!PermitLoopback && Search(LoopbackPatterns, interfaceName, ref want))
            return want;
        if (Search(DefaultPatterns, interfaceName, ref want))
            return want;
        throw new InvalidOperationException("the default interface patterns end with * and match everything");
    }

    /// <summary>True if a pattern matched (its sense in <paramref name="want"/>); otherwise
    /// <paramref name="want"/> holds the sense of the last pattern tried.</summary>
    private bool Search(IReadOnlyList<string> patterns, string interfaceName, ref InterfaceWant want)
    {
        foreach (var text in patterns)
        {
            if (!InterfacePattern.TryParse(text, out var pattern))
                throw new ConfigException("polypath", _location, $"invalid interface name pattern `{text}'");
            want = pattern.Want;
            var match = Libc.FnMatch(pattern.Glob, interfaceName, 0);
            if (match == 0)
                return true;
            if (match != Libc.FNM_NOMATCH)
                throw new ConfigException("polypath", _location, $"fnmatch failed! (pattern `{pattern.Glob}')");
        }
        return false;
    }
}
