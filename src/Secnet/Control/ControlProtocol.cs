using System.Text;

namespace Secnet.Control;

/// <summary>
/// The control socket's protocol, version 1 (docs/CONTROL.md). One request per connection: the
/// client sends one line, <c>secnet-ctl 1 COMMAND [ARG ...]\n</c> (printable ASCII, words
/// separated by single spaces, at most <see cref="MaxRequestBytes"/>); the daemon answers with a
/// status line, <c>secnet-ctl 1 ok</c> or <c>secnet-ctl 1 error CODE TEXT</c>, then the body,
/// and closes the connection.
/// </summary>
public static class ControlProtocol
{
    public const string Magic = "secnet-ctl";
    public const int Version = 1;

    /// <summary>A request line longer than this (newline included) is refused unread.</summary>
    public const int MaxRequestBytes = 1024;

    /// <summary>A status-line error code: the request did not parse.</summary>
    public const string BadRequest = "bad-request";

    /// <summary>A status-line error code: the client speaks a protocol version we do not.</summary>
    public const string UnsupportedVersion = "unsupported-version";

    public const string UnknownCommand = "unknown-command";
    public const string UnknownSite = "unknown-site";

    /// <summary>The new configuration was refused; the running one stays. Body: the reasons.</summary>
    public const string ReloadFailed = "reload-failed";

    /// <summary>This daemon has no <see cref="Runtime.IConfigReloader"/>.</summary>
    public const string ReloadUnsupported = "reload-unsupported";

    /// <summary>The site cannot start a key exchange now (it waits after a failed one).</summary>
    public const string NotNow = "not-now";

    /// <summary>The event loop did not answer in time.</summary>
    public const string Busy = "busy";

    /// <summary>The request line for <paramref name="words"/> (command and arguments).</summary>
    public static string FormatRequest(IReadOnlyList<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var sb = new StringBuilder(Magic).Append(' ').Append(Version);
        foreach (var w in words) sb.Append(' ').Append(w);
        return sb.Append('\n').ToString();
    }

    /// <summary>Parses one request line (without its newline). False with the reply's error code
    /// and text when it is not a request we accept.</summary>
    public static bool TryParseRequest(string line, out ControlRequest request, out string errorCode, out string error)
    {
        ArgumentNullException.ThrowIfNull(line);
        request = new ControlRequest("", []);
        errorCode = BadRequest;
        foreach (char c in line)
        {
            if (c is < ' ' or > '~')
            {
                error = "request is not printable ASCII";
                return false;
            }
        }
        var words = line.Split(' ');
        foreach (var w in words)
        {
            if (w.Length == 0)
            {
                error = "request words must be separated by single spaces";
                return false;
            }
        }
        if (words.Length < 3 || words[0] != Magic)
        {
            error = $"expected \"{Magic} {Version} COMMAND [ARG ...]\"";
            return false;
        }
        if (words[1] != "1")
        {
            errorCode = UnsupportedVersion;
            error = $"protocol version {words[1]} is not supported (this daemon speaks {Version})";
            return false;
        }
        request = new ControlRequest(words[2], words[3..]);
        errorCode = error = "";
        return true;
    }

    /// <summary>The status line and body of a reply.</summary>
    public static string FormatResponse(ControlResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var head = response.Ok ? $"{Magic} {Version} ok\n" : $"{Magic} {Version} error {response.ErrorCode} {OneLine(response.ErrorText)}\n";
        return head + response.Body;
    }

    /// <summary>Splits a reply into its status line and body. False if the status line is not ours.</summary>
    public static bool TryParseResponse(string text, out ControlResponse response)
    {
        ArgumentNullException.ThrowIfNull(text);
        response = ControlResponse.Success("");
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        if (nl < 0) return false;
        var head = text[..nl].Split(' ', 5);
        var body = text[(nl + 1)..];
        if (head.Length < 3 || head[0] != Magic || head[1] != "1") return false;
        if (head[2] == "ok" && head.Length == 3)
        {
            response = ControlResponse.Success(body);
            return true;
        }
        if (head[2] != "error" || head.Length < 4) return false;
        response = ControlResponse.Failure(head[3], head.Length > 4 ? head[4] : "", body);
        return true;
    }

    private static string OneLine(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}

/// <param name="Command">The command word (status, metrics, reload, rekey, version).</param>
/// <param name="Arguments">The words after it.</param>
public sealed record ControlRequest(string Command, IReadOnlyList<string> Arguments);

/// <summary>A reply: ok with a body, or an error code, one line of text and possibly a body
/// (reload's reasons).</summary>
public sealed record ControlResponse(bool Ok, string ErrorCode, string ErrorText, string Body)
{
    public static ControlResponse Success(string body) => new(true, "", "", body);

    public static ControlResponse Failure(string code, string text, string body = "") => new(false, code, text, body);
}
