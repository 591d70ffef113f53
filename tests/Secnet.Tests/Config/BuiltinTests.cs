using Secnet.Config;

namespace Secnet.Tests.Config;

/// <summary>config.md §3 and §3.1: booleans, makelist, readfile, map.</summary>
public sealed class BuiltinTests : IDisposable
{
    private readonly TestRegistry _t = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("secnet-config-builtin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("yes", true), InlineData("Yes", true), InlineData("YES", true)]
    [InlineData("true", true), InlineData("True", true), InlineData("TRUE", true)]
    [InlineData("verily", true), InlineData("Verily", true), InlineData("VERILY", true), InlineData("on", true)]
    [InlineData("no", false), InlineData("No", false), InlineData("NO", false)]
    [InlineData("false", false), InlineData("False", false), InlineData("FALSE", false)]
    [InlineData("nowise", false), InlineData("Nowise", false), InlineData("NOWISE", false), InlineData("off", false)]
    public void BooleanNames(string name, bool value)
    {
        var item = Assert.IsType<BoolItem>(TestRegistry.Value(_t.Root($"b {name};\n"), "b")[0]);
        Assert.Equal(value, item.Value);
        Assert.Null(item.Location);
    }

    [Theory]
    [InlineData("ON"), InlineData("Off"), InlineData("y")]
    public void OtherSpellingsAreNotBooleans(string name) =>
        Assert.Equal($"config error (conffile, test.conf:1): can't find key {name}", _t.Load($"b {name};\n").FirstLine);

    [Fact]
    public void MakelistExpandsDictionariesNewestFirstAndKeepsOtherItems()
    {
        var root = _t.Root("l makelist({ a \"x\"; b \"y\", \"z\"; }, 2, makelist());\n");
        var values = TestRegistry.Value(root, "l").Select(i => i is StringItem s ? s.Value : ((NumberItem)i).Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(["y", "z", "x", "2"], values);
        Assert.Equal("config error (conffile, test.conf:1): can't find key e", _t.Load("e makelist(); f e;\n").FirstLine);
    }

    [Fact]
    public void ReadfileReturnsTheWholeFileLocatedAtTheInvocation()
    {
        var path = Path.Combine(_dir, "r.txt");
        File.WriteAllText(path, "line one\nline two\n");
        var root = _t.Root($"r readfile(\n\"{path}\");\n");
        var item = Assert.IsType<StringItem>(TestRegistry.Value(root, "r")[0]);
        Assert.Equal("line one\nline two\n", item.Value);
        Assert.Equal(2, item.Location!.Line);
    }

    [Fact]
    public void ReadfileStopsAtANul()
    {
        var path = Path.Combine(_dir, "nul.bin");
        File.WriteAllBytes(path, [(byte)'a', (byte)'b', 0, (byte)'c']);
        Assert.Equal("ab", TestRegistry.String(_t.Root($"r readfile(\"{path}\");\n"), "r"));
    }

    [Fact]
    public void ReadfileErrors()
    {
        Assert.Equal("config error (readfile, test.conf:1): you must supply a filename", _t.Load("r readfile();\n").FirstLine);
        Assert.Equal("config error (readfile, test.conf:1): filename must be a string", _t.Load("r readfile(1);\n").FirstLine);
        var run = _t.Load("a 1;\nr readfile(\"/nonexistent/secnet-file\");\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: readfile (test.conf:2): cannot open file \"/nonexistent/secnet-file\": No such file or directory", run.FirstLine);
    }

    [Fact]
    public void MapInvokesOncePerItemWithItsOwnLocation()
    {
        var root = _t.Root("l 1, 2;\nm map(probe, l, { a 3; },\n4);\n");
        Assert.Equal(4, _t.Probes.Count);
        Assert.All(_t.Probes, p => Assert.Equal(3, p.Location.Line));
        Assert.All(_t.Probes, p => Assert.Single(p.Args));
        Assert.IsType<DictItem>(_t.Probes[2].Args[0]);
        Assert.Equal(4, TestRegistry.Value(root, "m").Count);
    }

    [Fact]
    public void MapErrors()
    {
        Assert.Equal("config error (map, test.conf:1): you must supply a closure as the first argument", _t.Load("m map(1, 2);\n").FirstLine);
        Assert.Equal("config error (map, test.conf:1): you must supply a closure as the first argument", _t.Load("m map();\n").FirstLine);
        Assert.Equal("config error (map, test.conf:1): closure cannot be applied", _t.Load("m map(test-hash, 2);\n").FirstLine);
    }

    [Fact]
    public void MapFlattensResults() =>
        Assert.Equal(2, TestRegistry.Value(_t.Root("m map(makelist, { a 1; b 2; });\n"), "m").Count);
}
