namespace Secnet.Netlink;

/// <summary>SLIP framing bytes (RFC 1055).</summary>
public static class Slip
{
    public const byte End = 0xC0;
    public const byte Esc = 0xDB;
    public const byte EscEnd = 0xDC;
    public const byte EscEsc = 0xDD;
}

/// <summary>
/// SLIP encoding as secnet sends it to userv-ipif: END, the packet with END → ESC ESC_END and
/// ESC → ESC ESC_ESC, END (an END before every packet flushes any line noise at the far end).
/// </summary>
public static class SlipEncoder
{
    /// <summary>Worst case: every byte escaped, plus the two ENDs.</summary>
    public static int MaxEncodedLength(int packetLength) => 2 * packetLength + 2;

    /// <summary>Encodes <paramref name="packet"/> into <paramref name="output"/> (at least
    /// <see cref="MaxEncodedLength"/> bytes) and returns the number of bytes written.</summary>
    public static int Encode(ReadOnlySpan<byte> packet, Span<byte> output)
    {
        if (output.Length < MaxEncodedLength(packet.Length))
            throw new ArgumentException("output too small for the worst case", nameof(output));
        var n = 0;
        output[n++] = Slip.End;
        foreach (var b in packet)
        {
            switch (b)
            {
                case Slip.End:
                    output[n++] = Slip.Esc;
                    output[n++] = Slip.EscEnd;
                    break;
                case Slip.Esc:
                    output[n++] = Slip.Esc;
                    output[n++] = Slip.EscEsc;
                    break;
                default:
                    output[n++] = b;
                    break;
            }
        }
        output[n++] = Slip.End;
        return n;
    }
}
