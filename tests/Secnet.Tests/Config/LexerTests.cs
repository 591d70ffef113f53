using Secnet.Config;

namespace Secnet.Tests.Config;

/// <summary>config.md §1: tokens, strings, numbers, keys, comments and line counting.</summary>
public sealed class LexerTests
{
    private readonly TestRegistry _t = new();

    [Fact]
    public void CarriageReturnIsNotWhitespace()
    {
        var run = _t.Load("a 1;\r\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal(["config file test.conf line 1: syntax error", "secnet fatal error: Configuration file parsing failed", ""], run.Lines);
    }

    [Fact]
    public void StringsHaveNoEscapes()
    {
        var root = _t.Root("a \"back\\slash \\n \\\";\n");
        Assert.Equal("back\\slash \\n \\", TestRegistry.String(root, "a"));
    }

    [Fact]
    public void StringsMaySpanLinesAndBeEmpty()
    {
        var root = _t.Root("a \"one\ntwo\"; b \"\";\n");
        Assert.Equal("one\ntwo", TestRegistry.String(root, "a"));
        Assert.Equal("", TestRegistry.String(root, "b"));
    }

    [Fact]
    public void NewlinesInsideStringsAreNotCounted()
    {
        var run = _t.Load("a \"1\n2\n\";\nb nosuch;\n");
        Assert.Equal("config error (conffile, test.conf:2): can't find key nosuch", run.FirstLine);
    }

    [Fact]
    public void UnterminatedStringIsASyntaxError()
    {
        var run = _t.Load("a 1;\nb \"never closed;\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("config file test.conf line 2: syntax error", run.FirstLine);
    }

    [Fact]
    public void BytesAbove127AreLegalOnlyInStringsAndComments()
    {
        Assert.Equal("grüße", TestRegistry.String(_t.Root("# ünïcode\na \"grüße\";\n"), "a"));
        Assert.Equal(2, _t.Load("a ü;\n").Exit);
    }

    [Fact]
    public void InvalidUtf8InStringsIsKeptBytewise()
    {
        var bytes = "a \""u8.ToArray().Concat(new byte[] { 0xff, 0x41 }).Concat("\";\n"u8.ToArray()).ToArray();
        var root = ConfigLoader.LoadBytes("t", bytes, _t.Registry, new Secnet.Modules.ModuleContext(new CapturingLog(), true));
        Assert.Equal("\u00ffA", TestRegistry.String(root, "a"));
    }

    [Fact]
    public void NumbersAreDecimalUnsigned32Bit()
    {
        var root = _t.Root("a 4294967295; b 007; c 0;\n");
        Assert.Equal(4294967295u, TestRegistry.Number(root, "a"));
        Assert.Equal(7u, TestRegistry.Number(root, "b"));
        Assert.Equal(0u, TestRegistry.Number(root, "c"));
    }

    [Theory]
    [InlineData("4294967296")]
    [InlineData("99999999999999999999999999999999999999999999999999999999999999999999999999999999")]
    public void TooBigNumberIsFatalAtLexTimeWithExit1(string digits)
    {
        var run = _t.Load($"a 1;\nb {digits};\n");
        Assert.Equal(1, run.Exit);
        Assert.Equal([$"config file test.conf line 2: '{digits}' is too big"], run.Lines);
    }

    [Fact]
    public void TooBigNumberStillFiresDuringErrorRecovery()
    {
        var run = _t.Load("a 1 2 99999999999;\n");
        Assert.Equal(1, run.Exit);
        Assert.Equal(["config file test.conf line 1: syntax error", "config file test.conf line 1: '99999999999' is too big"], run.Lines);
    }

    [Theory]
    [InlineData("a -1;\n")]
    [InlineData("a 0x10;\n")]
    [InlineData("-a 1;\n")]
    public void SignsHexAndLeadingDashesAreSyntaxErrors(string text)
    {
        var run = _t.Load(text);
        Assert.Equal(2, run.Exit);
        Assert.Equal("config file test.conf line 1: syntax error", run.FirstLine);
    }

    [Fact]
    public void KeysAllowDashesDigitsAndUnderscoresAndAreCaseSensitive()
    {
        var root = _t.Root("_a-b_9 1; A 2; a 3; includes 4; include_x 5; includeme 6;\n");
        Assert.Equal(1u, TestRegistry.Number(root, "_a-b_9"));
        Assert.Equal(2u, TestRegistry.Number(root, "A"));
        Assert.Equal(3u, TestRegistry.Number(root, "a"));
        Assert.Equal(4u, TestRegistry.Number(root, "includes"));
    }

    [Fact]
    public void CommentsRunToNewlineAndCountALine()
    {
        var run = _t.Load("# one\na 1; # \"not a string\n# three\nb nosuch;\n");
        Assert.Equal("config error (conffile, test.conf:4): can't find key nosuch", run.FirstLine);
        Assert.Equal("x#y", TestRegistry.String(_t.Root("a \"x#y\";\n"), "a"));
    }

    [Fact]
    public void FinalCommentWithoutNewlineIsRejected()
    {
        var run = _t.Load("a 1;\n# no newline");
        Assert.Equal(2, run.Exit);
        Assert.Equal("config file test.conf line 2: syntax error", run.FirstLine);
    }

    [Fact]
    public void SyntaxErrorIsReportedAtTheLineOfTheOffendingToken()
    {
        var run = _t.Load("a 1;\n\n\nb 2\n\nc 3;\n");
        Assert.Equal("config file test.conf line 6: syntax error", run.FirstLine);
    }
}
