namespace Secnet.Tests.Config;

/// <summary>config.md §1.6: include splices files at token level with their own line numbers.</summary>
public sealed class IncludeTests : IDisposable
{
    private readonly TestRegistry _t = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("secnet-config-include-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void IncludedFileIsSplicedAndNamedAsWritten()
    {
        var inc = Write("a.inc", "# one\nx 1;\ny nosuch;\n");
        var run = _t.Load($"z 0;\ninclude {inc}\n");
        Assert.Equal($"config error (conffile, {inc}:3): can't find key nosuch", run.FirstLine);
    }

    [Fact]
    public void OuterLineCountResumesAfterTheInclude()
    {
        var inc = Write("a.inc", "x 1;\n\n\n\n");
        var run = _t.Load($"z 0;\ninclude {inc}\n\nw nosuch;\n");
        Assert.Equal("config error (conffile, test.conf:4): can't find key nosuch", run.FirstLine);
    }

    [Fact]
    public void IncludeWorksMidLineAndMidStatement()
    {
        var statement = Write("s.inc", "b 42;");
        Assert.Equal(42u, TestRegistry.Number(_t.Root($"a 1; include {statement}\n"), "b"));
        var value = Write("v.inc", "42");
        Assert.Equal(42u, TestRegistry.Number(_t.Root($"b include {value}\n;\n"), "b"));
    }

    [Fact]
    public void FileNameEndsOnlyAtBlanks()
    {
        var run = _t.Load($"include {Path.Combine(_dir, "a.conf")};\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal($"secnet fatal error: Can't open included file {Path.Combine(_dir, "a.conf")};", run.FirstLine);
    }

    [Fact]
    public void IncludeWithoutFileNameIsACountedError()
    {
        var run = _t.Load("a 1;\ninclude\nb 2;\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal(["config file test.conf line 2: ``include'' requires a filename",
            "secnet fatal error: 1 error encountered in configuration file", ""], run.Lines);
    }

    [Fact]
    public void TenNestedIncludesAreAcceptedEleven()
    {
        for (int i = 1; i <= 11; i++)
            Write($"n{i}.inc", i < 11 ? $"k{i} 1;\ninclude {Path.Combine(_dir, $"n{i + 1}.inc")}\n" : "k11 1;\n");
        var accepted = _t.Load($"include {Path.Combine(_dir, "n2.inc")}\n");
        Assert.Equal(0, accepted.Exit);
        var rejected = _t.Load($"include {Path.Combine(_dir, "n1.inc")}\n");
        Assert.Equal(2, rejected.Exit);
        Assert.Equal("secnet fatal error: Configuration file includes nested too deeply", rejected.FirstLine);
    }

    [Fact]
    public void IncludeLoopStopsAtTheNestingLimit()
    {
        var loop = Path.Combine(_dir, "loop.inc");
        File.WriteAllText(loop, $"include {loop}\n");
        var run = _t.Load($"include {loop}\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: Configuration file includes nested too deeply", run.FirstLine);
    }

    [Fact]
    public void MissingIncludedFileIsFatal()
    {
        var run = _t.Load("a 1;\ninclude /nonexistent/secnet-test.inc\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: Can't open included file /nonexistent/secnet-test.inc", run.FirstLine);
    }

    [Fact]
    public void IncludingADirectoryIsFatalNotACrash()
    {
        var run = _t.Load($"include {_dir}\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal($"secnet fatal error: Can't open included file {_dir}", run.FirstLine);
    }

    [Fact]
    public void IncludingTheSameFileTwiceGivesADuplicateKey()
    {
        var inc = Write("twice.inc", "k 1;\n");
        var run = _t.Load($"include {inc}\ninclude {inc}\n");
        Assert.Equal(2, run.Exit);
        Assert.StartsWith("secnet fatal error: duplicate key \"k\" in dictionary", run.FirstLine, StringComparison.Ordinal);
    }

    [Fact]
    public void SyntaxErrorInIncludedFileNamesIt()
    {
        var inc = Write("bad.inc", "\n\nx 1 2;\n");
        var run = _t.Load($"include {inc}\n");
        Assert.Equal($"config file {inc} line 3: syntax error", run.FirstLine);
    }

    [Fact]
    public void MainFileThatCannotBeOpenedIsFatal()
    {
        var run = ConfigRun.CheckFile("/nonexistent/secnet.conf", _t.Registry);
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: Cannot open configuration file \"/nonexistent/secnet.conf\": No such file or directory", run.FirstLine);
    }
}
