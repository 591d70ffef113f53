using System.Text;
using Secnet.Control;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// What reaches the control socket and the metrics listener (the listener's bytes come from the
/// network). The first byte picks: even, a control request line; odd, an HTTP request head. A
/// parsed request line writes back to itself; a refused one has a known error code and a text;
/// any reply (with the input as its texts) reads back as written. Only GET or HEAD of /metrics
/// is served.
/// </summary>
internal sealed class ControlRequestTarget : IFuzzTarget
{
    private static readonly HashSet<string> Codes =
    [
        ControlProtocol.BadRequest, ControlProtocol.UnsupportedVersion, ControlProtocol.UnknownCommand,
        ControlProtocol.UnknownSite, ControlProtocol.ReloadFailed, ControlProtocol.ReloadUnsupported,
        ControlProtocol.NotNow, ControlProtocol.Busy,
    ];

    public string Name => "control-request";

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty) return;
        var text = Encoding.Latin1.GetString(input[1..]);
        if ((input[0] & 1) == 0) Control(text);
        else Http(text);
    }

    private static void Control(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        var line = nl < 0 ? text : text[..nl];
        if (ControlProtocol.TryParseRequest(line, out var request, out var code, out var error))
        {
            FuzzInvariantException.Check(request.Command.Length > 0, "a parsed request has a command");
            FuzzInvariantException.Check(ControlProtocol.FormatRequest([request.Command, .. request.Arguments]) == line + "\n",
                "a parsed request line writes back to itself");
        }
        else
        {
            FuzzInvariantException.Check(Codes.Contains(code) && error.Length > 0, "a refusal has a known code and a text");
        }
        var ok = ControlResponse.Success(text);
        FuzzInvariantException.Check(ControlProtocol.TryParseResponse(ControlProtocol.FormatResponse(ok), out var back)
            && back.Ok && back.Body == text, "an ok reply reads back");
        var failure = ControlResponse.Failure(ControlProtocol.ReloadFailed, line, text);
        FuzzInvariantException.Check(ControlProtocol.TryParseResponse(ControlProtocol.FormatResponse(failure), out back)
            && !back.Ok && back.ErrorCode == ControlProtocol.ReloadFailed && back.Body == text
            && back.ErrorText == line.Replace('\r', ' '), "an error reply reads back, its text on one line");
    }

    private static void Http(string head)
    {
        var route = HttpRequestHead.Route(head);
        bool served = route is HttpRoute.Metrics or HttpRoute.MetricsHeadOnly;
        FuzzInvariantException.Check(!served || head.StartsWith("GET /metrics", StringComparison.Ordinal)
            || head.StartsWith("HEAD /metrics", StringComparison.Ordinal), "only GET or HEAD of /metrics is served");
    }
}
