namespace Secnet.Netlink;

/// <summary>
/// One entry of a configured subnet list: <c>default</c>, <c>a.b.c.d</c>, <c>a.b.c.d/n</c>, with
/// an optional leading <c>!</c> meaning "remove from the set built so far".
/// </summary>
public readonly record struct SubnetSpec(Subnet Subnet, bool Subtract)
{
    /// <summary>On failure <paramref name="error"/> is secnet's message (the quoted text omits a
    /// leading <c>!</c>, as secnet's does).</summary>
    public static bool TryParse(string text, out SubnetSpec spec, out string? error)
    {
        spec = default;
        if (text == "default")
        {
            spec = new SubnetSpec(new Subnet(0, 0), false);
            error = null;
            return true;
        }
        bool subtract = text.StartsWith('!');
        string body = subtract ? text[1..] : text;
        var reader = new ScanfReader(body);
        int matched = reader.ReadDottedQuad(out var a, out var b, out var c, out var d);
        if (matched < 4)
        {
            error = $"\"{body}\" is not a valid subnet specification";
            return false;
        }
        ulong n = 32;
        if (reader.TryLiteral('/') && reader.TryReadUnsigned(out var parsedLength)) n = parsedLength;
        if (a > 255 || b > 255 || c > 255 || d > 255 || n > 32)
        {
            error = $"\"{body}\": range error";
            return false;
        }
        var subnet = new Subnet((uint)((a << 24) | (b << 16) | (c << 8) | d), (int)n);
        if ((subnet.Network & ~subnet.Mask) != 0)
        {
            error = $"\"{body}\": prefix not fully contained in mask";
            return false;
        }
        spec = new SubnetSpec(subnet, subtract);
        error = null;
        return true;
    }
}
