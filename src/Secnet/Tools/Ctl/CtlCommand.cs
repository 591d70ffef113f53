using System.Net.Sockets;
using System.Text;
using Secnet.Control;

namespace Secnet.Tools.Ctl;

/// <summary>
/// <c>secnet-ctl</c>: asks a running secnet over its control socket (docs/CONTROL.md). Like
/// secnet-keygen it is this same binary (<c>secnet --ctl</c>, through a wrapper script), so
/// client and daemon always speak the same protocol version. Each failure a script may want to
/// tell apart has its own exit status (<see cref="CtlExit"/>) and one line on stderr.
/// </summary>
public static class CtlCommand
{
    public const string Usage =
        "usage: secnet-ctl [-s SOCKET] COMMAND [ARG ...]\n" +
        "commands:\n" +
        "  status [--json] [SITE]  state, peer, transform, keys, traffic and drops of each site\n" +
        "  metrics                 the same figures in the Prometheus text format\n" +
        "  rekey SITE              start a key exchange with SITE now\n" +
        "  reload                  re-read the configuration file\n" +
        "  version                 the daemon's version and protocol\n" +
        "options:\n" +
        $"  -s, --socket SOCKET     the daemon's control socket (default {ControlSettings.DefaultSocketPath},\n" +
        "                          or $SECNET_CTL_SOCKET)\n" +
        "  -h, --help              this text\n" +
        "exit status: 0 ok, 1 other error, 2 usage, 3 daemon not running, 4 permission denied,\n" +
        "  5 unknown site, 6 reload refused, 7 reload not supported\n";

    /// <summary>How long the whole exchange may take (the daemon waits up to 10 s for its loop).</summary>
    public const int TimeoutMs = 15_000;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var socket = Environment.GetEnvironmentVariable("SECNET_CTL_SOCKET") is { Length: > 0 } env ? env : ControlSettings.DefaultSocketPath;
        int i = 0;
        for (; i < args.Length && args[i].StartsWith('-'); i++)
        {
            var a = args[i];
            if (a is "-h" or "--help")
            {
                stdout.Write(Usage);
                return CtlExit.Ok;
            }
            if (a is "-s" or "--socket" && i + 1 < args.Length)
            {
                socket = args[++i];
                continue;
            }
            if (a.StartsWith("--socket=", StringComparison.Ordinal))
            {
                socket = a["--socket=".Length..];
                continue;
            }
            return UsageError(stderr, $"unknown option {a}");
        }
        var words = args[i..];
        if (words.Length == 0) return UsageError(stderr, "no command");
        if (CheckArguments(words) is { } problem) return UsageError(stderr, problem);
        foreach (var w in words)
        {
            if (w.Length == 0 || w.Any(c => c is <= ' ' or > '~'))
                return UsageError(stderr, $"\"{w}\": words must be printable ASCII without spaces");
        }

        string reply;
        try
        {
            reply = Exchange(socket, ControlProtocol.FormatRequest(words));
        }
        catch (CtlFailure f)
        {
            stderr.WriteLine($"secnet-ctl: {f.Message}");
            return f.ExitCode;
        }
        if (!ControlProtocol.TryParseResponse(reply, out var response))
        {
            stderr.WriteLine($"secnet-ctl: {socket}: not a secnet control socket reply (protocol {ControlProtocol.Version})");
            return CtlExit.Failed;
        }
        stdout.Write(response.Body);
        if (response.Ok) return CtlExit.Ok;
        stderr.WriteLine($"secnet-ctl: {response.ErrorText}");
        return response.ErrorCode switch
        {
            ControlProtocol.UnknownSite => CtlExit.UnknownSite,
            ControlProtocol.ReloadFailed => CtlExit.ReloadFailed,
            ControlProtocol.ReloadUnsupported => CtlExit.ReloadUnsupported,
            ControlProtocol.BadRequest or ControlProtocol.UnknownCommand => CtlExit.Usage,
            _ => CtlExit.Failed,
        };
    }

    /// <summary>The commands' argument counts, checked before the daemon is asked.</summary>
    private static string? CheckArguments(string[] words)
    {
        var rest = words[1..];
        switch (words[0])
        {
            case "status":
                var sites = rest.Where(w => w != "--json").ToArray();
                if (rest.Any(w => w.StartsWith('-') && w != "--json") || sites.Length > 1 || rest.Length - sites.Length > 1)
                    return "usage: secnet-ctl status [--json] [SITE]";
                // The daemon wants --json first.
                if (rest.Length == 2 && rest[1] == "--json") (words[1], words[2]) = (words[2], words[1]);
                return null;
            case "metrics" or "reload" or "version":
                return rest.Length == 0 ? null : $"usage: secnet-ctl {words[0]}";
            case "rekey":
                return rest.Length == 1 ? null : "usage: secnet-ctl rekey SITE";
            default:
                return $"unknown command \"{words[0]}\"";
        }
    }

    private static int UsageError(TextWriter stderr, string text)
    {
        stderr.WriteLine($"secnet-ctl: {text}");
        stderr.Write(Usage);
        return CtlExit.Usage;
    }

    private static string Exchange(string path, string request)
    {
        // A missing file is told apart before connecting: on Linux connect(2) says ENOENT, which
        // .NET reports under a code it shares with other failures.
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CtlFailure(CtlExit.NotRunning, $"{path}: no such socket (is secnet running?)");
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.SendTimeout = TimeoutMs;
        s.ReceiveTimeout = TimeoutMs;
        try
        {
            s.Connect(new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException e)
        {
            throw e.SocketErrorCode switch
            {
                SocketError.AccessDenied => new CtlFailure(CtlExit.PermissionDenied, $"{path}: permission denied (run as root or a member of control-socket-group)"),
                SocketError.ConnectionRefused => new CtlFailure(CtlExit.NotRunning, $"{path}: connection refused (secnet is not running)"),
                _ => new CtlFailure(CtlExit.Failed, $"{path}: {e.Message}"),
            };
        }
        try
        {
            s.Send(Encoding.ASCII.GetBytes(request));
            using var reply = new MemoryStream();
            var buffer = new byte[16384];
            int n;
            while ((n = s.Receive(buffer)) > 0) reply.Write(buffer, 0, n);
            return Encoding.UTF8.GetString(reply.GetBuffer(), 0, (int)reply.Length);
        }
        catch (SocketException e)
        {
            throw new CtlFailure(CtlExit.Failed, e.SocketErrorCode == SocketError.TimedOut
                ? $"{path}: no reply within {TimeoutMs / 1000} s"
                : $"{path}: {e.Message}");
        }
    }

    private sealed class CtlFailure(int exitCode, string message) : Exception(message)
    {
        public int ExitCode { get; } = exitCode;
    }
}

/// <summary>secnet-ctl's exit statuses (documented in secnet-ctl(8) and docs/CONTROL.md).</summary>
public static class CtlExit
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int NotRunning = 3;
    public const int PermissionDenied = 4;
    public const int UnknownSite = 5;
    public const int ReloadFailed = 6;
    public const int ReloadUnsupported = 7;
}
