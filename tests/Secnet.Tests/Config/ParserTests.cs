namespace Secnet.Tests.Config;

/// <summary>config.md §2.1-2.2: grammar and bison-compatible error recovery.</summary>
public sealed class ParserTests
{
    private readonly TestRegistry _t = new();

    [Fact]
    public void EmptyFileFailsToParse()
    {
        var run = _t.Load("");
        Assert.Equal(2, run.Exit);
        Assert.Equal(["config file test.conf line 1: syntax error", "secnet fatal error: Configuration file parsing failed", ""], run.Lines);
    }

    [Fact]
    public void CommentOnlyFileFailsToParse() =>
        Assert.Equal("config file test.conf line 2: syntax error", _t.Load("# nothing\n").FirstLine);

    [Fact]
    public void EqualsSignIsOptional()
    {
        var root = _t.Root("a = 1; b 2; c = { d 3; }; e { f = 4; };\n");
        Assert.Equal(1u, TestRegistry.Number(root, "a"));
        Assert.Equal(2u, TestRegistry.Number(root, "b"));
        Assert.Equal(3u, TestRegistry.Number(root, "c/d"));
        Assert.Equal(4u, TestRegistry.Number(root, "e/f"));
    }

    [Fact]
    public void EmptyDictionaryIsAllowed() => Assert.Empty(((Secnet.Config.DictItem)TestRegistry.Value(_t.Root("a {};\n"), "a")[0]).Dict.Entries);

    [Fact]
    public void JuxtaposedItemsAreASyntaxError()
    {
        var run = _t.Load("a 1;\nb probe a;\n");
        Assert.Equal(["config file test.conf line 2: syntax error", "secnet fatal error: 1 error encountered in configuration file", ""], run.Lines);
    }

    [Fact]
    public void KeyFollowedByDictIsAnInvocation()
    {
        var root = _t.Root("k probe { a 1; };\n");
        var probe = Assert.Single(_t.Probes);
        Assert.IsType<Secnet.Config.DictItem>(Assert.Single(probe.Args));
        Assert.IsType<Secnet.Config.DictItem>(TestRegistry.Value(root, "k")[0]);
    }

    [Fact]
    public void InvocationsChainToTheLeft()
    {
        var run = _t.Load("k test-log { }(1);\n");
        Assert.Equal("config error (conffile, test.conf:1): this closure cannot be invoked", run.FirstLine);
    }

    [Fact]
    public void SearchPathIsParsedButNeverEvaluated()
    {
        var root = _t.Root("x <nosuchkey, probe(1)> { a 1; };\n");
        Assert.Equal(1u, TestRegistry.Number(root, "x/a"));
        Assert.Empty(_t.Probes);
    }

    [Fact]
    public void TwoSeparateErrorsAreBothReported()
    {
        var run = _t.Load("a 1;\nb 1 2;\nc 3 4;\n");
        Assert.Equal(["config file test.conf line 2: syntax error", "config file test.conf line 3: syntax error",
            "secnet fatal error: 2 errors encountered in configuration file", ""], run.Lines);
    }

    [Fact]
    public void ErrorsWithinThreeTokensOfTheLastAreNotReported()
    {
        // After the error at "2", only ";" is accepted before the next error at "3".
        var run = _t.Load("a 1 2; 3; b 4;\n");
        Assert.Equal(["config file test.conf line 1: syntax error",
            "secnet fatal error: 1 error encountered in configuration file", ""], run.Lines);
    }

    [Fact]
    public void ThreeAcceptedTokensReenableReporting()
    {
        // ";", "b" and "3" are accepted after the first error, so the error at "4" is reported.
        var run = _t.Load("a 1 2; b 3 4;\n");
        Assert.Equal("secnet fatal error: 2 errors encountered in configuration file", run.Lines[^2]);
    }

    [Fact]
    public void RecoveryInsideADictionaryContinuesThere()
    {
        var run = _t.Load("x { a 1 2; b 3; };\ny 1 2;\n");
        Assert.Equal(["config file test.conf line 1: syntax error", "config file test.conf line 2: syntax error",
            "secnet fatal error: 2 errors encountered in configuration file", ""], run.Lines);
    }

    [Fact]
    public void ClosingBraceConsumedByRecoveryLeavesTheDictionaryOpen()
    {
        var run = _t.Load("x { a 1 2 };\n");
        Assert.Equal(["config file test.conf line 1: syntax error", "secnet fatal error: Configuration file parsing failed", ""], run.Lines);
    }

    [Fact]
    public void ErrorAtEndOfFileFailsTheParse()
    {
        var run = _t.Load("a 1;\nb 2\n");
        Assert.Equal(["config file test.conf line 3: syntax error", "secnet fatal error: Configuration file parsing failed", ""], run.Lines);
    }

    [Fact]
    public void StrayClosingBracketsAreRecoveredFrom()
    {
        var run = _t.Load("a 1; ) b 2; } c 3;\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: 2 errors encountered in configuration file", run.Lines[^2]);
    }

    [Fact]
    public void SyntaxErrorAnywhereWinsOverEarlierSemanticError()
    {
        var run = _t.Load("x nosuch;\ny 1 2;\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("config file test.conf line 2: syntax error", run.FirstLine);
    }

    [Fact]
    public void DeepButReasonableNestingWorks()
    {
        const int depth = 200;
        var text = "x " + string.Concat(Enumerable.Repeat("{ a ", depth)) + "1;" + string.Concat(Enumerable.Repeat(" };", depth)) + "\n";
        Assert.Equal(0, _t.Load(text).Exit);
    }

    [Theory]
    [InlineData("{ a ", " };")]
    [InlineData("probe(", ")")]
    [InlineData("<", "> {}")]
    public void HostileNestingFailsCleanly(string open, string close)
    {
        const int depth = 100_000;
        var text = "x " + string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth)) + ";\n";
        var run = _t.Load(text);
        Assert.Equal(2, run.Exit);
        Assert.Equal($"config file test.conf line 1: syntax error: brackets nested more than {Secnet.Config.Parser.MaxNesting} deep", run.FirstLine);
        Assert.Equal("secnet fatal error: Configuration file parsing failed", run.Lines[^2]);
    }

    [Fact]
    public void LongInvocationChainsFailCleanly()
    {
        var run = _t.Load("x probe" + string.Concat(Enumerable.Repeat("()", 100_000)) + ";\n");
        Assert.Equal(2, run.Exit);
        Assert.Contains("nested more than", run.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public void LongFlatListsAndPathsAreFine()
    {
        var root = _t.Root("x " + string.Join(",", Enumerable.Range(0, 100_000)) + ";\n");
        Assert.Equal(100_000, TestRegistry.Value(root, "x").Count);
    }
}
