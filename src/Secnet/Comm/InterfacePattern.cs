using Secnet.Interop;

namespace Secnet.Comm;

/// <summary>What polypath does with an interface: skip it, use it for every site, or use it only for
/// sites whose <c>dedicated-interface-addr</c> is one of its addresses.</summary>
public enum InterfaceWant
{
    Exclude = '!',
    General = '+',
    Dedicated = '@',
}

/// <summary>
/// One entry of polypath's <c>interfaces</c> list (runtime.md §8): an optional sense prefix
/// <c>!</c>, <c>+</c> or <c>@</c>, then an fnmatch glob. Without a prefix the glob must start with
/// <c>*</c> or an ASCII alphanumeric (C's isalnum in the C locale) and means <c>+</c>.
/// </summary>
public readonly record struct InterfacePattern(InterfaceWant Want, string Glob)
{
    /// <summary>Parses one pattern; false when it has no prefix and starts with anything else.</summary>
    public static bool TryParse(string text, out InterfacePattern pattern)
    {
        ArgumentNullException.ThrowIfNull(text);
        pattern = default;
        if (text.Length > 0 && text[0] is '!' or '+' or '@')
        {
            pattern = new InterfacePattern((InterfaceWant)text[0], text[1..]);
            return true;
        }
        if (text.Length > 0 && (text[0] == '*' || char.IsAsciiLetterOrDigit(text[0])))
        {
            pattern = new InterfacePattern(InterfaceWant.General, text);
            return true;
        }
        return false;
    }

    /// <summary>fnmatch(glob, name, 0) as libc does it, so globs behave exactly like secnet's.</summary>
    public bool Matches(string interfaceName) => Libc.FnMatch(Glob, interfaceName, 0) == 0;
}
