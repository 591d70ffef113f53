using System.Text;
using Secnet.Log;

namespace Secnet.Tests.Log;

/// <summary>
/// Network bytes on log lines. The expected texts are what Debian's secnet 0.6.7 logged for
/// MSG1s with these sender names ("sending NAK for ...: unknown remote name: TEXT"), sent to it
/// in a network namespace.
/// </summary>
public sealed class NetworkTextTests
{
    private const string Remote = "unknown remote name: ";

    private static string Reason(string prefix, byte[] name)
    {
        Span<char> text = stackalloc char[NetworkText.MaxReasonLength];
        return new string(text[..NetworkText.FormatReason(prefix, name, text)]);
    }

    [Theory]
    [InlineData(new byte[] { 0x7f }, @"\x7f")]
    [InlineData(new byte[] { 7, 8, 0x0c, 0x0b, 0x1b }, @"\x07\x08\x0c\x0b\x1b")]
    [InlineData(new byte[] { (byte)' ', (byte)'\\', (byte)'"', (byte)'\'', (byte)'%', (byte)'?' }, @" \\\""\'%?")]
    public void EscapesAs067Does(byte[] name, string expected) => Assert.Equal(Remote + expected, Reason(Remote, name));

    [Fact]
    public void NewlineCannotStartALine()
    {
        var name = Encoding.ASCII.GetBytes(new string('y', 30) + "\n");
        Assert.Equal(Remote + new string('y', 30) + @"\n", Reason(Remote, name));
    }

    [Fact]
    public void BytesAboveAsciiAreHexEscaped() =>
        // 0.6.7 aborts here (its escaper overflows on signed chars); this is the escape it meant.
        Assert.Equal(@"\x80\xc3\xa9\xff", NetworkText.Escape([0x80, 0xc3, 0xa9, 0xff]));

    [Theory]
    [InlineData(58, false)]
    [InlineData(59, true)]
    [InlineData(200, true)]
    public void LongReasonsAreCutLike067(int length, bool cut)
    {
        var text = Reason(Remote, Encoding.ASCII.GetBytes(new string('a', length)));
        Assert.Equal(cut ? Remote + new string('a', 55) + "..." : Remote + new string('a', length), text);
    }

    [Fact]
    public void CutFallsInsideAnEscape()
    {
        // 0.6.7: "...\x0e\x0f\..." for remote, "...\x0e\x0f\x..." for the one-shorter local prefix.
        var name = Enumerable.Range(1, 31).Select(i => (byte)i).ToArray();
        Assert.EndsWith(@"\r\x0e\x0f\...", Reason(Remote, name), StringComparison.Ordinal);
        Assert.EndsWith(@"\r\x0e\x0f\x...", Reason("unknown local name: ", name), StringComparison.Ordinal);
    }
}
