namespace Secnet.Sites.Messages;

/// <summary>
/// MSG3 and MSG3BIS (protocol.md §4.3): initiator → responder with DH public value and signature.
/// MSG3BIS carries the chosen transform's capability number; plain MSG3 implies 8.
/// </summary>
public ref struct Msg3
{
    /// <summary>The transform number plain MSG3 implies (serpent256-cbc).</summary>
    public const byte ImplicitTransform = 8;

    public PacketHeader Header;
    public ReadOnlySpan<byte> SenderName;
    public NameExtra SenderExtra;
    public ReadOnlySpan<byte> ReceiverName;

    /// <summary>nA (the initiator's, i.e. the sender's).</summary>
    public ReadOnlySpan<byte> SenderNonce;

    /// <summary>nB echoed.</summary>
    public ReadOnlySpan<byte> ReceiverNonce;

    public byte Transform;
    public ReadOnlySpan<byte> DhPublic;
    public ReadOnlySpan<byte> Signature;

    /// <summary>Bytes covered by the signature: offset 0 through the DH public string.</summary>
    public int SignedLength;

    public readonly bool IsBis => Header.Label == MessageLabel.Msg3Bis;

    public static bool TryParse(ReadOnlySpan<byte> packet, out Msg3 msg)
    {
        msg = default;
        if (!PacketHeader.TryParse(packet, out msg.Header)) return false;
        bool bis = msg.Header.Label == MessageLabel.Msg3Bis;
        if (!bis && msg.Header.Label != MessageLabel.Msg3) return false;
        var r = new WireReader(packet[PacketHeader.Length..]);
        if (!NameField.TryReadPair(ref r, SetupKind.Msg3, out msg.SenderName, out msg.SenderExtra, out msg.ReceiverName)
            || !r.TryBytes(Msg1.NonceLength, out msg.SenderNonce)
            || !r.TryBytes(Msg1.NonceLength, out msg.ReceiverNonce))
            return false;
        msg.Transform = ImplicitTransform;
        if (bis && !r.TryU8(out msg.Transform)) return false;
        if (!r.TryString(out msg.DhPublic)) return false;
        msg.SignedLength = PacketHeader.Length + r.Position;
        return r.TryString(out msg.Signature) && r.Remaining == 0;
    }

    public readonly int SignedPartLength =>
        PacketHeader.Length + NameField.PairLength(SetupKind.Msg3, SenderName.Length, SenderExtra, ReceiverName.Length)
        + 2 * Msg1.NonceLength + (IsBis ? 1 : 0) + 2 + DhPublic.Length;

    public readonly int Length => SignedPartLength + 2 + Signature.Length;

    /// <summary>Writes the signed part; then, if <paramref name="withSignature"/>, the signature string.</summary>
    public readonly int Write(Span<byte> destination, bool withSignature = true)
    {
        Header.Write(destination);
        var w = new WireWriter(destination[PacketHeader.Length..]);
        NameField.WritePair(ref w, SetupKind.Msg3, SenderName, SenderExtra, ReceiverName);
        w.Bytes(SenderNonce);
        w.Bytes(ReceiverNonce);
        if (IsBis) w.U8(Transform);
        w.String(DhPublic);
        if (withSignature) w.String(Signature);
        return PacketHeader.Length + w.Position;
    }
}
