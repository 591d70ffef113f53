namespace Secnet.Sites.Messages;

/// <summary>PROD (protocol.md §4.8): indices 0, plain names, nothing after.</summary>
public ref struct Prod
{
    public ReadOnlySpan<byte> SenderName;
    public ReadOnlySpan<byte> ReceiverName;

    public static bool TryParse(ReadOnlySpan<byte> packet, out Prod msg)
    {
        msg = default;
        if (!PacketHeader.TryParse(packet, out var h) || h.Label != MessageLabel.Prod) return false;
        var r = new WireReader(packet[PacketHeader.Length..]);
        if (!r.TryString(out var sender) || !r.TryString(out var receiver) || r.Remaining != 0) return false;
        NameField.Split(sender, out msg.SenderName, out _);
        NameField.Split(receiver, out msg.ReceiverName, out _);
        return true;
    }

    public readonly int Length => PacketHeader.Length + 4 + SenderName.Length + ReceiverName.Length;

    public readonly int Write(Span<byte> destination)
    {
        new PacketHeader(0, 0, MessageLabel.Prod).Write(destination);
        var w = new WireWriter(destination[PacketHeader.Length..]);
        w.String(SenderName);
        w.String(ReceiverName);
        return PacketHeader.Length + w.Position;
    }
}
