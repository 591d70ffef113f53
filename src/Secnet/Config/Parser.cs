namespace Secnet.Config;

/// <summary>
/// Recursive-descent parser for the grammar of config.md §2.1 that reproduces bison's error
/// recovery in 0.6.7 (§2.2): an error is absorbed by the innermost assignment list being parsed;
/// tokens are dropped up to and including the next <c>;</c>, <c>}</c> or <c>)</c>; a new error is
/// printed and counted only once three tokens have been accepted since the previous one; end of
/// file while recovering means "parsing failed".
/// </summary>
internal sealed class Parser
{
    /// <summary>
    /// Brackets (dictionaries, argument lists, chained invocations) may nest this deep. The bound
    /// keeps both this parser and the evaluator far from a stack overflow on hostile input.
    /// </summary>
    public const int MaxNesting = 256;

    /// <summary>Bison's yyerrstatus: tokens still to be accepted before errors are reported again.</summary>
    private const int TokensBeforeNextReport = 3;

    private readonly Lexer _lexer;
    private readonly ParseDiagnostics _diagnostics;
    private Token _lookahead;
    private bool _haveLookahead;
    private int _errorStatus;
    private bool _aborted;
    private int _depth;

    private Parser(Lexer lexer, ParseDiagnostics diagnostics)
    {
        _lexer = lexer;
        _diagnostics = diagnostics;
    }

    /// <summary>Parses a whole file (with its includes); throws <see cref="ConfigFileException"/> on any error.</summary>
    public static IReadOnlyList<Assignment> Parse(string fileName, byte[] content)
    {
        var diagnostics = new ParseDiagnostics();
        var parser = new Parser(new Lexer(fileName, content, diagnostics), diagnostics);
        var assignments = parser.ParseAssignments(topLevel: true);
        if (parser._aborted)
            throw diagnostics.Fatal("secnet fatal error: Configuration file parsing failed", 2, blankLineAfter: true);
        int n = diagnostics.ErrorCount;
        if (n > 0)
            throw diagnostics.Fatal($"secnet fatal error: {n} error{(n == 1 ? "" : "s")} encountered in configuration file", 2, blankLineAfter: true);
        return assignments;
    }

    private Token Peek()
    {
        if (!_haveLookahead)
        {
            _lookahead = _lexer.Next();
            _haveLookahead = true;
        }
        return _lookahead;
    }

    /// <summary>Accepts the lookahead (bison "shift").</summary>
    private Token Accept()
    {
        var t = Peek();
        _haveLookahead = false;
        if (_errorStatus > 0) _errorStatus--;
        return t;
    }

    private void Drop() => _haveLookahead = false;

    /// <summary>A syntax error at <paramref name="at"/>; the caller unwinds to the enclosing assignment list.</summary>
    private T? Fail<T>(Token at) where T : class
    {
        if (_errorStatus == 0) _diagnostics.CountedError(at.Location, "syntax error");
        return null;
    }

    private List<Assignment> ParseAssignments(bool topLevel)
    {
        var list = new List<Assignment>();
        int parsed = 0; // including broken ones: the top level needs at least one
        while (!_aborted)
        {
            var t = Peek();
            if (t.Kind == TokenKind.Key)
            {
                var a = ParseAssignment();
                if (a is not null) list.Add(a);
                else if (!_aborted) Recover();
                parsed++;
                continue;
            }
            if (topLevel ? t.Kind == TokenKind.EndOfFile && parsed > 0 : t.IsPunct('}')) break;
            Fail<Assignment>(t);
            Recover();
            parsed++;
        }
        return list;
    }

    /// <summary>Bison's "error ';' | error '}' | error ')'" assignment.</summary>
    private void Recover()
    {
        _errorStatus = TokensBeforeNextReport;
        while (true)
        {
            var t = Peek();
            if (t.IsPunct(';') || t.IsPunct('}') || t.IsPunct(')'))
            {
                Accept();
                return;
            }
            if (t.Kind == TokenKind.EndOfFile)
            {
                _aborted = true;
                return;
            }
            Drop();
        }
    }

    private Assignment? ParseAssignment()
    {
        var key = Accept();
        if (Peek().IsPunct('=')) Accept();
        var value = ParseList();
        if (value is null) return null;
        if (!Peek().IsPunct(';')) return Fail<Assignment>(Peek());
        Accept();
        return new Assignment(key.Text!, key.Location, value);
    }

    private List<SyntaxNode>? ParseList()
    {
        var items = new List<SyntaxNode>();
        while (true)
        {
            var item = ParseItem();
            if (item is null) return null;
            items.Add(item);
            if (!Peek().IsPunct(',')) return items;
            Accept();
        }
    }

    private SyntaxNode? ParseItem()
    {
        var t = Peek();
        SyntaxNode? node;
        if (t.Kind == TokenKind.String) node = new StringNode(Accept().Text!, t.Location);
        else if (t.Kind == TokenKind.Number) node = new NumberNode(Accept().Number, t.Location);
        else if (t.Kind == TokenKind.Key || t.IsPunct('/')) node = ParsePath();
        else if (t.IsPunct('{') || t.IsPunct('<')) node = ParseDict();
        else return Fail<SyntaxNode>(t);
        if (node is null) return null;

        // Invocations chain to the left: each one nests the previous, so each counts as a level.
        int chained = 0;
        while (true)
        {
            t = Peek();
            bool call = t.IsPunct('(');
            if (!call && !t.IsPunct('{') && !t.IsPunct('<')) break;
            if (!Enter(t))
            {
                node = null;
                break;
            }
            chained++;
            node = call ? ParseArguments(node) : ParseDictArgument(node);
            if (node is null) break;
        }
        _depth -= chained;
        return node;
    }

    private InvocationNode? ParseArguments(SyntaxNode callee)
    {
        Accept(); // (
        IReadOnlyList<SyntaxNode> args = Array.Empty<SyntaxNode>();
        if (!Peek().IsPunct(')'))
        {
            var list = ParseList();
            if (list is null) return null;
            args = list;
            if (!Peek().IsPunct(')')) return Fail<InvocationNode>(Peek());
        }
        return new InvocationNode(callee, args, Accept().Location);
    }

    private InvocationNode? ParseDictArgument(SyntaxNode callee)
    {
        var dict = ParseDict();
        return dict is null ? null : new InvocationNode(callee, new SyntaxNode[] { dict }, dict.Location);
    }

    private DictNode? ParseDict()
    {
        if (!Enter(Peek())) return null;
        var dict = ParseDictBody();
        _depth--;
        return dict;
    }

    private DictNode? ParseDictBody()
    {
        if (Peek().IsPunct('<'))
        {
            Accept();
            if (ParseList() is null) return null;
            if (!Peek().IsPunct('>')) return Fail<DictNode>(Peek());
            Accept();
        }
        if (!Peek().IsPunct('{')) return Fail<DictNode>(Peek());
        Accept();
        var body = ParseAssignments(topLevel: false);
        if (_aborted) return null;
        return new DictNode(body, Accept().Location);
    }

    private PathNode? ParsePath()
    {
        bool absolute = false;
        if (Peek().IsPunct('/'))
        {
            Accept();
            absolute = true;
            if (Peek().Kind != TokenKind.Key) return Fail<PathNode>(Peek());
        }
        var elements = new List<PathElement>(1);
        while (true)
        {
            var key = Accept();
            elements.Add(new PathElement(key.Text!, key.Location));
            if (!Peek().IsPunct('/')) return new PathNode(absolute, elements);
            Accept();
            if (Peek().Kind != TokenKind.Key) return Fail<PathNode>(Peek());
        }
    }

    /// <summary>One more bracket level; past the limit the whole parse fails with a clear message.</summary>
    private bool Enter(Token at)
    {
        if (++_depth <= MaxNesting) return true;
        _depth--;
        _diagnostics.CountedError(at.Location, $"syntax error: brackets nested more than {MaxNesting} deep");
        _aborted = true;
        return false;
    }
}
