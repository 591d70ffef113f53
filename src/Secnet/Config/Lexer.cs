namespace Secnet.Config;

/// <summary>
/// secnet's configuration lexer over raw bytes (config.md §1), including <c>include</c> handling:
/// included files are spliced in at token level, with their own name and line counter, and the
/// including file resumes exactly where it was. Newlines inside strings are deliberately not
/// counted, as in 0.6.7, so reported line numbers match it.
/// </summary>
internal sealed class Lexer
{
    /// <summary>0.6.7 lets the main file include a chain of at most this many nested files.</summary>
    public const int MaxIncludeDepth = 10;

    private sealed class Source(string name, byte[] bytes)
    {
        public string Name { get; } = name;
        public byte[] Bytes { get; } = bytes;
        public int Pos;
        public int Line = 1;
        private Location? _location;

        /// <summary>One shared Location per line keeps big files cheap.</summary>
        public Location Here()
        {
            if (_location is null || _location.Line != Line) _location = new Location(Name, Line);
            return _location;
        }
    }

    private readonly Stack<Source> _includers = new();
    private readonly ParseDiagnostics _diagnostics;
    private Source _current;

    public Lexer(string fileName, byte[] content, ParseDiagnostics diagnostics)
    {
        _current = new Source(fileName, content);
        _diagnostics = diagnostics;
    }

    public Token Next()
    {
        while (true)
        {
            var s = _current;
            var b = s.Bytes;
            if (s.Pos >= b.Length)
            {
                if (_includers.Count == 0) return new Token(TokenKind.EndOfFile, s.Here());
                _current = _includers.Pop();
                continue;
            }
            byte c = b[s.Pos];
            switch (c)
            {
                case (byte)' ' or (byte)'\t':
                    s.Pos++;
                    continue;
                case (byte)'\n':
                    s.Pos++;
                    s.Line++;
                    continue;
                case (byte)'#':
                {
                    int nl = Array.IndexOf(b, (byte)'\n', s.Pos);
                    if (nl < 0) break; // a final comment without newline is not a comment
                    s.Pos = nl + 1;
                    s.Line++;
                    continue;
                }
                case (byte)'"':
                {
                    int close = Array.IndexOf(b, (byte)'"', s.Pos + 1);
                    if (close < 0) break; // unterminated: the quote is punctuation
                    var text = ConfigText.Decode(b.AsSpan(s.Pos + 1, close - s.Pos - 1));
                    s.Pos = close + 1;
                    return new Token(TokenKind.String, s.Here(), Text: text);
                }
            }
            if (IsKeyStart(c))
            {
                int start = s.Pos;
                int end = start + 1;
                while (end < b.Length && IsKeyPart(b[end])) end++;
                s.Pos = end;
                var word = b.AsSpan(start, end - start);
                if (word.SequenceEqual("include"u8))
                {
                    Include();
                    continue;
                }
                return new Token(TokenKind.Key, s.Here(), Text: ConfigText.Decode(word));
            }
            if (IsDigit(c)) return LexNumber(s);
            s.Pos++;
            return new Token(TokenKind.Punct, s.Here(), Punct: c);
        }
    }

    private Token LexNumber(Source s)
    {
        var b = s.Bytes;
        int start = s.Pos;
        int end = start;
        ulong value = 0;
        bool tooBig = false;
        while (end < b.Length && IsDigit(b[end]))
        {
            if (!tooBig)
            {
                value = value * 10 + (uint)(b[end] - '0');
                tooBig = value > uint.MaxValue;
            }
            end++;
        }
        s.Pos = end;
        if (tooBig)
        {
            var digits = ConfigText.Decode(b.AsSpan(start, end - start));
            throw _diagnostics.Fatal($"config file {s.Name} line {s.Line}: '{digits}' is too big", 1);
        }
        return new Token(TokenKind.Number, s.Here(), Number: (uint)value);
    }

    /// <summary>After the word <c>include</c>: blanks, then the file name up to the next blank.</summary>
    private void Include()
    {
        var s = _current;
        var b = s.Bytes;
        while (s.Pos < b.Length && (b[s.Pos] == ' ' || b[s.Pos] == '\t')) s.Pos++;
        int start = s.Pos;
        while (s.Pos < b.Length && b[s.Pos] != ' ' && b[s.Pos] != '\t' && b[s.Pos] != '\n') s.Pos++;
        if (s.Pos == start)
        {
            // 0.6.7 consumes the newline as part of this error and counts the line.
            _diagnostics.CountedError(s.Here(), "``include'' requires a filename");
            if (s.Pos < b.Length)
            {
                s.Pos++;
                s.Line++;
            }
            return;
        }
        if (_includers.Count >= MaxIncludeDepth)
            throw _diagnostics.Fatal("secnet fatal error: Configuration file includes nested too deeply", 2);
        var name = ConfigText.Decode(b.AsSpan(start, s.Pos - start));
        byte[] content;
        try
        {
            content = File.ReadAllBytes(name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw _diagnostics.Fatal($"secnet fatal error: Can't open included file {name}", 2);
        }
        _includers.Push(s);
        _current = new Source(name, content);
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsKeyStart(byte c) => c is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (byte)'_';

    private static bool IsKeyPart(byte c) => IsKeyStart(c) || IsDigit(c) || c == (byte)'-';
}
