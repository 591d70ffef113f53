using Secnet.Control;

namespace Secnet.Tests.Control;

/// <summary>docs/CONTROL.md: the request line and the reply's status line.</summary>
public sealed class ControlProtocolTests
{
    [Fact]
    public void RequestRoundTrips()
    {
        var line = ControlProtocol.FormatRequest(["status", "--json", "bravo"]);
        Assert.Equal("secnet-ctl 1 status --json bravo\n", line);
        Assert.True(ControlProtocol.TryParseRequest(line.TrimEnd('\n'), out var r, out _, out _));
        Assert.Equal("status", r.Command);
        Assert.Equal(["--json", "bravo"], r.Arguments);
    }

    [Theory]
    [InlineData("", ControlProtocol.BadRequest)]
    [InlineData("secnet-ctl 1", ControlProtocol.BadRequest)]
    [InlineData("other 1 status", ControlProtocol.BadRequest)]
    [InlineData("secnet-ctl 1  status", ControlProtocol.BadRequest)]
    [InlineData("secnet-ctl 1 status\tx", ControlProtocol.BadRequest)]
    [InlineData("secnet-ctl 1 st\u00e4tus", ControlProtocol.BadRequest)]
    [InlineData("secnet-ctl 2 status", ControlProtocol.UnsupportedVersion)]
    public void BadRequestsAreRefusedWithTheirCode(string line, string code)
    {
        Assert.False(ControlProtocol.TryParseRequest(line, out _, out var got, out var text));
        Assert.Equal(code, got);
        Assert.NotEmpty(text);
    }

    [Fact]
    public void ReplyRoundTrips()
    {
        var ok = ControlProtocol.FormatResponse(ControlResponse.Success("a\nb\n"));
        Assert.Equal("secnet-ctl 1 ok\na\nb\n", ok);
        Assert.True(ControlProtocol.TryParseResponse(ok, out var r));
        Assert.True(r.Ok);
        Assert.Equal("a\nb\n", r.Body);

        var err = ControlProtocol.FormatResponse(ControlResponse.Failure(ControlProtocol.ReloadFailed, "refused\nsecond", "x.conf:3: bad\n"));
        Assert.Equal("secnet-ctl 1 error reload-failed refused second\nx.conf:3: bad\n", err);
        Assert.True(ControlProtocol.TryParseResponse(err, out r));
        Assert.False(r.Ok);
        Assert.Equal(ControlProtocol.ReloadFailed, r.ErrorCode);
        Assert.Equal("refused second", r.ErrorText);
        Assert.Equal("x.conf:3: bad\n", r.Body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("secnet-ctl 1 ok")]
    [InlineData("secnet-ctl 2 ok\n")]
    [InlineData("HTTP/1.0 200 OK\r\n")]
    [InlineData("secnet-ctl 1 maybe\n")]
    public void ForeignRepliesAreNotOurs(string text) => Assert.False(ControlProtocol.TryParseResponse(text, out _));
}
