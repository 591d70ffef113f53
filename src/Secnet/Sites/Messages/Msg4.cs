namespace Secnet.Sites.Messages;

/// <summary>MSG4 (protocol.md §4.4): responder → initiator with DH public value and signature.</summary>
public ref struct Msg4
{
    public PacketHeader Header;
    public ReadOnlySpan<byte> SenderName;
    public NameExtra SenderExtra;
    public ReadOnlySpan<byte> ReceiverName;

    /// <summary>nB (the responder's, i.e. the sender's).</summary>
    public ReadOnlySpan<byte> SenderNonce;

    /// <summary>nA echoed.</summary>
    public ReadOnlySpan<byte> ReceiverNonce;

    public ReadOnlySpan<byte> DhPublic;
    public ReadOnlySpan<byte> Signature;
    public int SignedLength;

    public static bool TryParse(ReadOnlySpan<byte> packet, out Msg4 msg)
    {
        msg = default;
        if (!PacketHeader.TryParse(packet, out msg.Header) || msg.Header.Label != MessageLabel.Msg4) return false;
        var r = new WireReader(packet[PacketHeader.Length..]);
        if (!NameField.TryReadPair(ref r, SetupKind.Msg4, out msg.SenderName, out msg.SenderExtra, out msg.ReceiverName)
            || !r.TryBytes(Msg1.NonceLength, out msg.SenderNonce)
            || !r.TryBytes(Msg1.NonceLength, out msg.ReceiverNonce)
            || !r.TryString(out msg.DhPublic))
            return false;
        msg.SignedLength = PacketHeader.Length + r.Position;
        return r.TryString(out msg.Signature) && r.Remaining == 0;
    }

    public readonly int SignedPartLength =>
        PacketHeader.Length + NameField.PairLength(SetupKind.Msg4, SenderName.Length, SenderExtra, ReceiverName.Length)
        + 2 * Msg1.NonceLength + 2 + DhPublic.Length;

    public readonly int Length => SignedPartLength + 2 + Signature.Length;

    public readonly int Write(Span<byte> destination, bool withSignature = true)
    {
        Header.Write(destination);
        var w = new WireWriter(destination[PacketHeader.Length..]);
        NameField.WritePair(ref w, SetupKind.Msg4, SenderName, SenderExtra, ReceiverName);
        w.Bytes(SenderNonce);
        w.Bytes(ReceiverNonce);
        w.String(DhPublic);
        if (withSignature) w.String(Signature);
        return PacketHeader.Length + w.Position;
    }
}
