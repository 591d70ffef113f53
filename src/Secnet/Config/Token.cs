namespace Secnet.Config;

internal enum TokenKind
{
    EndOfFile,
    Key,
    String,
    Number,
    /// <summary>Any other single byte, including CR, '#' without a newline and an unmatched '"'.</summary>
    Punct,
}

/// <summary>One lexed token; <see cref="Location"/> is where the lexer was when it produced it.</summary>
internal readonly record struct Token(TokenKind Kind, Location Location, string? Text = null, uint Number = 0, byte Punct = 0)
{
    public bool IsPunct(char c) => Kind == TokenKind.Punct && Punct == (byte)c;
}
