namespace Secnet.Sites.Messages;

/// <summary>MSG1 (protocol.md §4.1): initiator → responder, dest index 0.</summary>
public ref struct Msg1
{
    public const int NonceLength = 8;

    public PacketHeader Header;
    public ReadOnlySpan<byte> SenderName;
    public NameExtra SenderExtra;
    public ReadOnlySpan<byte> ReceiverName;
    public ReadOnlySpan<byte> Nonce;

    public static bool TryParse(ReadOnlySpan<byte> packet, out Msg1 msg)
    {
        msg = default;
        if (!PacketHeader.TryParse(packet, out msg.Header) || msg.Header.Label != MessageLabel.Msg1) return false;
        var r = new WireReader(packet[PacketHeader.Length..]);
        return NameField.TryReadPair(ref r, SetupKind.Msg1, out msg.SenderName, out msg.SenderExtra, out msg.ReceiverName)
            && r.TryBytes(NonceLength, out msg.Nonce)
            && r.Remaining == 0;
    }

    public readonly int Length =>
        PacketHeader.Length + NameField.PairLength(SetupKind.Msg1, SenderName.Length, SenderExtra, ReceiverName.Length) + NonceLength;

    public readonly int Write(Span<byte> destination)
    {
        Header.Write(destination);
        var w = new WireWriter(destination[PacketHeader.Length..]);
        NameField.WritePair(ref w, SetupKind.Msg1, SenderName, SenderExtra, ReceiverName);
        w.Bytes(Nonce);
        return PacketHeader.Length + w.Position;
    }
}
