using Secnet.Config;

namespace Secnet.Tests.Config;

/// <summary>config.md §2.3-2.9: evaluation order, scoping, paths, lists, empty lists, duplicates, invocation.</summary>
public sealed class EvaluatorTests
{
    private readonly TestRegistry _t = new();

    [Fact]
    public void ReadmeScopingExampleGivesOne()
    {
        var root = _t.Root("a=1; b=2; c={ d=3; e=a; }; f={ a=4; g=c; };\n");
        Assert.Equal(1u, TestRegistry.Number(root, "f/g/e"));
        Assert.Equal(4u, TestRegistry.Number(root, "f/a"));
    }

    [Theory]
    [InlineData("y x;\nx 1;\n", "x")]
    [InlineData("x x;\n", "x")]
    public void DefinitionsCannotReferToLaterOnes(string text, string key) =>
        Assert.Equal($"config error (conffile, test.conf:1): can't find key {key}", _t.Load(text).FirstLine);

    [Fact]
    public void RightHandSideIsEvaluatedBeforeTheDuplicateCheck() =>
        Assert.Equal("config error (conffile, test.conf:1): can't find key nosuch", _t.Load("x 1; x nosuch;\n").FirstLine);

    [Fact]
    public void EvaluationIsEagerAndInFileOrder()
    {
        _t.Root("a probe(1); b { c probe(2); }; d probe(3);\n");
        Assert.Equal([1u, 2u, 3u], _t.Probes.Select(p => ((NumberItem)p.Args[0]).Value));
    }

    [Fact]
    public void InvocationContextIsTheDictionaryItIsWrittenIn()
    {
        _t.Root("k 1; d { k 2; x probe { }; };\n");
        var inv = Assert.Single(_t.Probes);
        Assert.Equal(2u, ((NumberItem)inv.Context.Find("k")!.Value[0]).Value);
        var arg = ((DictItem)inv.Args[0]).Dict;
        Assert.Same(inv.Context, arg.Parent);
        Assert.Equal(2u, ((NumberItem)arg.Find("k")!.Value[0]).Value);
    }

    [Fact]
    public void AbsolutePathLooksOnlyInTheRoot()
    {
        var root = _t.Root("a 1; d { a 2; b /a; c a; };\n");
        Assert.Equal(1u, TestRegistry.Number(root, "d/b"));
        Assert.Equal(2u, TestRegistry.Number(root, "d/c"));
        Assert.Equal("config error (conffile, test.conf:1): can't find key q", _t.Load("d { q 1; e /q; };\n").FirstLine);
    }

    [Fact]
    public void OnlyTheFirstPathElementUsesParents()
    {
        Assert.Equal(1u, TestRegistry.Number(_t.Root("c { d 1; }; e { f c/d; };\n"), "e/f"));
        var run = _t.Load("y 1;\nx { z { };\nw z/y; };\n");
        Assert.Equal("config error (conffile, test.conf:3): can't find key y", run.FirstLine);
    }

    [Fact]
    public void PathThroughANonDictionaryNamesThePreviousElement() =>
        Assert.Equal("config error (conffile, test.conf:2): path element \"c\" is not a dictionary", _t.Load("c 1;\nx c/d;\n").FirstLine);

    [Fact]
    public void PathsNavigateOnlyTheFirstItem()
    {
        Assert.Equal(1u, TestRegistry.Number(_t.Root("c {d=1;}, 2; x c/d;\n"), "x"));
        Assert.Equal("config error (conffile, test.conf:1): path element \"c\" is not a dictionary", _t.Load("c 2, {d=1;}; x c/d;\n").FirstLine);
    }

    [Fact]
    public void PathYieldsTheWholeList() =>
        Assert.Equal(3, TestRegistry.Value(_t.Root("c { d 1, 2, 3; }; x c/d;\n"), "x").Count);

    [Fact]
    public void ListsFlatten()
    {
        var more = TestRegistry.Value(_t.Root("many 1,2,3; more many,4,many;\n"), "more");
        Assert.Equal([1u, 2u, 3u, 4u, 1u, 2u, 3u], more.Select(i => ((NumberItem)i).Value));
    }

    [Fact]
    public void EmptyListsAreInvisible()
    {
        Assert.Equal("config error (conffile, test.conf:1): can't find key x", _t.Load("x makelist(); y x;\n").FirstLine);
        Assert.Equal(1u, TestRegistry.Number(_t.Root("x makelist();\nx 1;\n"), "x"));
        Assert.Equal(1u, TestRegistry.Number(_t.Root("x 1; d { x makelist(); y x; };\n"), "d/y"));
    }

    [Fact]
    public void DuplicateKeysAreFatalWithTheirLocation()
    {
        var run = _t.Load("a 1;\na 2;\n");
        Assert.Equal(2, run.Exit);
        Assert.Equal("secnet fatal error: duplicate key \"a\" in dictionary (at test.conf:2)", run.FirstLine);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("makelist")]
    [InlineData("on")]
    public void PredefinedKeysCannotBeRedefinedAtTopLevel(string key) =>
        Assert.StartsWith($"secnet fatal error: duplicate key \"{key}\" in dictionary", _t.Load($"{key} 1;\n").FirstLine, StringComparison.Ordinal);

    [Fact]
    public void NestedDictionariesMayShadowParentKeys() =>
        Assert.Equal(5u, TestRegistry.Number(_t.Root("a 1; d { a 5; yes 2; };\n"), "d/a"));

    [Theory]
    [InlineData("x \"s\"(nosuch);")]
    [InlineData("x 1(2);")]
    [InlineData("x {} (1);")]
    [InlineData("x yes();")]
    [InlineData("x makelist()(1);")]
    public void OnlyClosuresCanBeInvoked(string text) =>
        Assert.Equal("config error (conffile, test.conf:1): only closures can be invoked", _t.Load(text + "\n").FirstLine);

    [Fact]
    public void NonInvocableClosuresCannotBeInvoked() =>
        Assert.Equal("config error (conffile, test.conf:1): this closure cannot be invoked", _t.Load("x test-hash();\n").FirstLine);

    [Fact]
    public void InvocationIsLocatedAtItsClosingBracket()
    {
        Assert.Equal("config error (conffile, test.conf:3): only closures can be invoked", _t.Load("x \"s\"(\n1\n);\n").FirstLine);
        _t.Root("x probe {\na 1;\n};\ny probe(\n1);\n");
        Assert.Equal([3, 5], _t.Probes.Select(p => p.Location.Line));
    }

    [Fact]
    public void ItemLocationsFollowTheirLiterals()
    {
        var root = _t.Root("a \"s\";\nb 1;\nc {\n};\nd a;\ne yes;\n");
        Assert.Equal(1, TestRegistry.Value(root, "a")[0].Location!.Line);
        Assert.Equal(2, TestRegistry.Value(root, "b")[0].Location!.Line);
        Assert.Equal(4, TestRegistry.Value(root, "c")[0].Location!.Line);
        Assert.Equal(1, TestRegistry.Value(root, "d")[0].Location!.Line);
        Assert.Null(TestRegistry.Value(root, "e")[0].Location);
    }

    [Fact]
    public void ArgumentsAreOneFlattenedList()
    {
        _t.Root("l 2, 3; x probe(1, l, makelist(), 4);\n");
        Assert.Equal([1u, 2u, 3u, 4u], Assert.Single(_t.Probes).Args.Select(i => ((NumberItem)i).Value));
    }
}
