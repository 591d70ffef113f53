using Secnet.Config;

namespace Secnet.Tests.Config;

/// <summary>config.md §2.9: the shared typed key readers and their texts and locations.</summary>
public sealed class ArgReaderTests
{
    private readonly TestRegistry _t = new();

    private ArgReader Reader(string text)
    {
        _t.Root(text);
        return _t.Probes[^1].DictArgument("test");
    }

    [Fact]
    public void ReadsTypedValuesWithParentLookup()
    {
        var r = Reader("n 5;\nx probe {\ns \"str\"; b yes; d { }; l \"a\", \"b\"; h test-hash;\n};\n");
        Assert.Equal(5, r.GetNumber("n", 0));
        Assert.Equal("str", r.GetString("s"));
        Assert.True(r.GetBoolOr("b", false));
        Assert.NotNull(r.GetDict("d"));
        Assert.Equal(["a", "b"], r.GetStringList("l")!.Select(s => s.Value));
        Assert.NotNull(r.GetClosureItem("h", ClosureType.Hash));
        Assert.Null(r.GetString("absent"));
    }

    private static string Message(Action read) => Assert.Throws<ConfigException>(read).Message;

    [Fact]
    public void ErrorsAreLocatedAtTheInvocation()
    {
        var r = Reader("x probe {\nn \"s\"; big 2147483648; h test-hash;\n};\n");
        Assert.Equal("config error (test, test.conf:3): required parameter \"m\" not found", Message(() => r.GetNumber("m", true)));
        Assert.Equal("config error (test, test.conf:3): \"n\" must be a number", Message(() => r.GetNumber("n")));
        Assert.Equal("config error (test, test.conf:3): \"big\" must fit into a 32-bit signed integer", Message(() => r.GetNumber("big")));
        Assert.Equal("config error (test, test.conf:3): \"n\" must be a boolean", Message(() => r.GetBool("n")));
        Assert.Equal("config error (test, test.conf:3): \"n\" must be a dictionary", Message(() => r.GetDict("n")));
        Assert.Equal("config error (test, test.conf:3): \"n\" must be a closure", Message(() => r.GetClosureItem("n", ClosureType.Hash)));
        Assert.Equal("config error (test, test.conf:3): \"h\" is the wrong type of closure (expected LOG, got HASH)",
            Message(() => r.GetClosureItem("h", ClosureType.Log)));
        Assert.Equal("config error (test, test.conf:3): required string list \"m\" not found", Message(() => r.GetStringList("m", true)));
    }

    [Fact]
    public void WrongCountIsLocatedWhereTheListWasWritten()
    {
        var r = Reader("f \"a\", \"b\";\nx probe { facility f; };\n");
        Assert.Equal("config error (test, test.conf:1): parameter \"facility\" has wrong number of values", Message(() => r.GetString("facility")));
        var r2 = Reader("x probe { h test-hash, test-hash; };\n");
        Assert.Equal("config error (test, test.conf:1): parameter \"h\" has wrong number of values", Message(() => r2.GetClosureItem("h", ClosureType.Hash)));
    }

    [Fact]
    public void ItemErrorsAreLocatedAtTheItemWhenItHasOne()
    {
        var r = Reader("x probe {\nl \"a\",\n2;\nc \"ok\", yes;\nw \"bogus\";\n};\n");
        Assert.Equal("config error (test, test.conf:3): \"l\" entry must be a string", Message(() => r.GetStringList("l")));
        var words = new Dictionary<string, int> { ["ok"] = 1 };
        Assert.Equal("config error (test): all elements of list must be strings", Message(() => r.GetFlags("c", words)));
        Assert.Equal("config error (test, test.conf:5): option \"bogus\" not known", Message(() => r.GetFlags("w", words)));
        Assert.Equal(0, r.GetFlags("absent", words));
    }
}
