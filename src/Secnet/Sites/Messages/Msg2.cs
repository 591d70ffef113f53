namespace Secnet.Sites.Messages;

/// <summary>MSG2 (protocol.md §4.2): responder → initiator, with both nonces.</summary>
public ref struct Msg2
{
    public PacketHeader Header;
    public ReadOnlySpan<byte> SenderName;
    public NameExtra SenderExtra;
    public ReadOnlySpan<byte> ReceiverName;

    /// <summary>The responder's nonce (nB).</summary>
    public ReadOnlySpan<byte> SenderNonce;

    /// <summary>The initiator's nonce echoed (nA).</summary>
    public ReadOnlySpan<byte> ReceiverNonce;

    public static bool TryParse(ReadOnlySpan<byte> packet, out Msg2 msg)
    {
        msg = default;
        if (!PacketHeader.TryParse(packet, out msg.Header) || msg.Header.Label != MessageLabel.Msg2) return false;
        var r = new WireReader(packet[PacketHeader.Length..]);
        return NameField.TryReadPair(ref r, SetupKind.Msg2, out msg.SenderName, out msg.SenderExtra, out msg.ReceiverName)
            && r.TryBytes(Msg1.NonceLength, out msg.SenderNonce)
            && r.TryBytes(Msg1.NonceLength, out msg.ReceiverNonce)
            && r.Remaining == 0;
    }

    public readonly int Length =>
        PacketHeader.Length + NameField.PairLength(SetupKind.Msg2, SenderName.Length, SenderExtra, ReceiverName.Length) + 2 * Msg1.NonceLength;

    public readonly int Write(Span<byte> destination)
    {
        Header.Write(destination);
        var w = new WireWriter(destination[PacketHeader.Length..]);
        NameField.WritePair(ref w, SetupKind.Msg2, SenderName, SenderExtra, ReceiverName);
        w.Bytes(SenderNonce);
        w.Bytes(ReceiverNonce);
        return PacketHeader.Length + w.Position;
    }
}
