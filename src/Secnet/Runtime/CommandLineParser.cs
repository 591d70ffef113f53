using Secnet.Log;

namespace Secnet.Runtime;

/// <summary>
/// secnet's command line with GNU getopt_long semantics (runtime.md §1): short-option bundling,
/// attached or separate arguments, unique-prefix abbreviations of long options, argument
/// permutation (unless POSIXLY_CORRECT), "--", and glibc's exact error texts.
/// </summary>
public static class CommandLineParser
{
    public const string HelpText =
        "Usage: secnet [OPTION]...\n" +
        "\n" +
        "  -f, --silent, --quiet   suppress error messages\n" +
        "  -w, --nowarnings        suppress warnings\n" +
        "  -v, --verbose           output extra diagnostics\n" +
        "  -c, --config=filename   specify a configuration file\n" +
        "  -j, --just-check-config stop after reading configuration file\n" +
        "  -s, --sites-key=name    configuration key that specifies active sites\n" +
        "  -n, --nodetach          do not run in background\n" +
        "  -m, --managed           running under a supervisor\n" +
        "  -d, --debug             output debug messages\n" +
        "      --help              display this help and exit\n" +
        "      --version           output version information and exit\n";

    public const string ExtraParametersMessage =
        "secnet: You gave extra command line parameters, which were ignored.";

    private const char HelpCode = '\u0002';
    private const char VersionCode = '\u0001';

    // secnet's table order; glibc lists ambiguity candidates in this order.
    private static readonly (string Name, bool HasArg, char Code)[] LongOptions =
    [
        ("verbose", false, 'v'),
        ("nowarnings", false, 'w'),
        ("help", false, HelpCode),
        ("version", false, VersionCode),
        ("nodetach", false, 'n'),
        ("managed", false, 'm'),
        ("silent", false, 'f'),
        ("quiet", false, 'f'),
        ("debug", false, 'd'),
        ("config", true, 'c'),
        ("just-check-config", false, 'j'),
        ("sites-key", true, 's'),
    ];

    // getopt's short option string "vwdnjc:ft:s:m": letter -> takes an argument.
    private static readonly Dictionary<char, bool> ShortOptions = new()
    {
        ['v'] = false, ['w'] = false, ['d'] = false, ['n'] = false, ['j'] = false,
        ['c'] = true, ['f'] = false, ['t'] = true, ['s'] = true, ['m'] = false,
    };

    /// <summary>Parses <paramref name="args"/>; <paramref name="programName"/> is argv[0] for getopt's messages.</summary>
    public static CommandLineResult Parse(IReadOnlyList<string> args, string programName = "secnet") =>
        Parse(args, programName, Environment.GetEnvironmentVariable("POSIXLY_CORRECT") is not null);

    public static CommandLineResult Parse(IReadOnlyList<string> args, string programName, bool posixlyCorrect)
    {
        var state = new ParseState();
        var nonOptions = 0;
        var i = 0;
        while (i < args.Count)
        {
            var arg = args[i++];
            if (arg == "--")
            {
                nonOptions += args.Count - i;
                break;
            }
            if (arg.Length < 2 || arg[0] != '-')
            {
                nonOptions++;
                if (posixlyCorrect)
                {
                    nonOptions += args.Count - i;
                    break;
                }
                continue;
            }

            string? error = arg.StartsWith("--", StringComparison.Ordinal)
                ? ParseLong(arg, args, ref i, programName, state)
                : ParseShortBundle(arg, args, ref i, programName, state);
            if (error is not null)
                return new CommandLineResult(null, 1, "", error, state.Warnings);
            if (state.Exit is not null)
                return state.Exit;
        }

        if (nonOptions > 0)
            state.Warnings.Add(ExtraParametersMessage);
        return new CommandLineResult(state.Options, null, "", "", state.Warnings);
    }

    private static string? ParseLong(string arg, IReadOnlyList<string> args, ref int i, string prog, ParseState state)
    {
        var body = arg[2..];
        var eq = body.IndexOf('=', StringComparison.Ordinal);
        var name = eq >= 0 ? body[..eq] : body;
        string? attached = eq >= 0 ? body[(eq + 1)..] : null;

        var match = -1;
        var candidates = new List<int>();
        for (var k = 0; k < LongOptions.Length; k++)
        {
            if (LongOptions[k].Name == name)
            {
                match = k;
                candidates.Clear();
                break;
            }
            if (LongOptions[k].Name.StartsWith(name, StringComparison.Ordinal))
                candidates.Add(k);
        }
        if (match < 0)
        {
            if (candidates.Count == 0)
                return $"{prog}: unrecognized option '--{name}'\n";
            if (candidates.Count > 1 && !AllEquivalent(candidates))
            {
                var names = string.Join(" ", candidates.ConvertAll(c => $"'--{LongOptions[c].Name}'"));
                return $"{prog}: option '--{name}' is ambiguous; possibilities: {names}\n";
            }
            match = candidates[0];
        }

        var (fullName, hasArg, code) = LongOptions[match];
        string? value = null;
        if (hasArg)
        {
            if (attached is not null)
                value = attached;
            else if (i < args.Count)
                value = args[i++];
            else
                return $"{prog}: option '--{fullName}' requires an argument\n";
        }
        else if (attached is not null)
        {
            return $"{prog}: option '--{fullName}' doesn't allow an argument\n";
        }
        state.Apply(code, value);
        return null;
    }

    // glibc does not call a prefix ambiguous when every candidate behaves the same way.
    private static bool AllEquivalent(List<int> candidates)
    {
        var first = LongOptions[candidates[0]];
        foreach (var c in candidates)
        {
            if (LongOptions[c].HasArg != first.HasArg || LongOptions[c].Code != first.Code)
                return false;
        }
        return true;
    }

    private static string? ParseShortBundle(string arg, IReadOnlyList<string> args, ref int i, string prog, ParseState state)
    {
        for (var p = 1; p < arg.Length; p++)
        {
            var letter = arg[p];
            if (!ShortOptions.TryGetValue(letter, out var hasArg))
                return $"{prog}: invalid option -- '{letter}'\n";
            if (!hasArg)
            {
                state.Apply(letter, null);
                continue;
            }
            string value;
            if (p + 1 < arg.Length)
                value = arg[(p + 1)..];
            else if (i < args.Count)
                value = args[i++];
            else
                return $"{prog}: option requires an argument -- '{letter}'\n";
            state.Apply(letter, value);
            return null;
        }
        return null;
    }

    private sealed class ParseState
    {
        public CommandLine Options { get; private set; } = CommandLine.Defaults;
        public List<string> Warnings { get; } = [];
        public CommandLineResult? Exit { get; private set; }

        public void Apply(char code, string? value)
        {
            if (Exit is not null)
                return;
            var level = Options.MessageLevel;
            Options = code switch
            {
                'v' => Options with { MessageLevel = level | LogClass.Verbose },
                'w' => Options with { MessageLevel = level & ~LogClass.Warning },
                // 0.6.7: -d implies -v as well (the seed did not).
                'd' => Options with { MessageLevel = level | LogClass.AllDebug | LogClass.Verbose },
                'f' => Options with { MessageLevel = LogClass.Quiet },
                'n' => Options with { NoDetach = true },
                'm' => Options with { Managed = true },
                'j' => Options with { JustCheck = true },
                'c' => Options with { ConfigPath = value! },
                's' => Options with { SitesKey = value! },
                _ => Options,
            };
            switch (code)
            {
                case 't':
                    // getopt accepts -t (it is in the option string) but secnet never implemented it.
                    Warnings.Add("secnet: Unknown getopt code t");
                    break;
                case HelpCode:
                    Exit = new CommandLineResult(null, 0, HelpText, "", Warnings);
                    break;
                case VersionCode:
                    Exit = new CommandLineResult(null, 0, $"secnet {SecnetVersion.Text}\n", "", Warnings);
                    break;
            }
        }
    }
}
