namespace Secnet.Sites.Messages;

/// <summary>Reads and writes the two name strings of MSG1..MSG4 and PROD (protocol.md §3).</summary>
public static class NameField
{
    /// <summary>Splits at the first NUL: name before, extra information after (maybe none).</summary>
    public static void Split(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> extra)
    {
        int nul = field.IndexOf((byte)0);
        if (nul < 0)
        {
            name = field;
            extra = default;
            return;
        }
        name = field[..nul];
        extra = field[(nul + 1)..];
    }

    /// <summary>Reads the sender field (name + extra) and the receiver field (extra ignored).</summary>
    public static bool TryReadPair(scoped ref WireReader r, SetupKind kind,
        out ReadOnlySpan<byte> sender, out NameExtra extra, out ReadOnlySpan<byte> receiver)
    {
        sender = receiver = default;
        extra = default;
        if (!r.TryString(out var senderField) || !r.TryString(out var receiverField)) return false;
        Split(senderField, out sender, out var extraBytes);
        Split(receiverField, out receiver, out _);
        return NameExtra.TryParse(extraBytes, kind, out extra);
    }

    public static int PairLength(SetupKind kind, int senderLength, in NameExtra extra, int receiverLength) =>
        2 + senderLength + 1 + extra.EncodedLength(kind) + 2 + receiverLength;

    public static void WritePair(ref WireWriter w, SetupKind kind,
        ReadOnlySpan<byte> sender, in NameExtra extra, ReadOnlySpan<byte> receiver)
    {
        w.U16(checked((ushort)(sender.Length + 1 + extra.EncodedLength(kind))));
        w.Bytes(sender);
        w.U8(0);
        extra.Write(ref w, kind);
        w.String(receiver);
    }
}
