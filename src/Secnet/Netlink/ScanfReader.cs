namespace Secnet.Netlink;

/// <summary>
/// Reads unsigned numbers with the leniency of C's <c>sscanf("%u")</c>, which secnet uses for
/// addresses and subnets: leading whitespace and a sign are allowed, a negative number wraps
/// (and so fails the later range check). Values that overflow saturate, which also fails it.
/// </summary>
internal ref struct ScanfReader
{
    private readonly ReadOnlySpan<char> _text;
    private int _pos;

    public ScanfReader(ReadOnlySpan<char> text)
    {
        _text = text;
        _pos = 0;
    }

    /// <summary>Reads <c>%u.%u.%u.%u</c>; returns how many numbers matched (0..4).</summary>
    public int ReadDottedQuad(out ulong a, out ulong b, out ulong c, out ulong d)
    {
        b = c = d = 0;
        if (!TryReadUnsigned(out a)) return 0;
        if (!TryLiteral('.') || !TryReadUnsigned(out b)) return 1;
        if (!TryLiteral('.') || !TryReadUnsigned(out c)) return 2;
        if (!TryLiteral('.') || !TryReadUnsigned(out d)) return 3;
        return 4;
    }

    public bool TryLiteral(char ch)
    {
        if (_pos < _text.Length && _text[_pos] == ch)
        {
            _pos++;
            return true;
        }
        return false;
    }

    public bool TryReadUnsigned(out ulong value)
    {
        value = 0;
        int p = _pos;
        while (p < _text.Length && char.IsWhiteSpace(_text[p])) p++;
        bool negative = false;
        if (p < _text.Length && (_text[p] == '+' || _text[p] == '-'))
        {
            negative = _text[p] == '-';
            p++;
        }
        int digitsStart = p;
        ulong v = 0;
        while (p < _text.Length && _text[p] >= '0' && _text[p] <= '9')
        {
            uint digit = (uint)(_text[p] - '0');
            v = v > (uint.MaxValue - digit) / 10 ? uint.MaxValue + 1UL : v * 10 + digit;
            p++;
        }
        if (p == digitsStart) return false;
        _pos = p;
        // A wrapped negative is a large unsigned value; only "-0" stays in range.
        value = negative && v != 0 ? uint.MaxValue + 1UL - Math.Min(v, uint.MaxValue) : v;
        return true;
    }
}
