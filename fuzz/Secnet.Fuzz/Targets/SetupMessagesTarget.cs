using Secnet.Sites.Messages;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The packet header, MSG1-4/MSG3BIS, PROD and the name extras: every parser runs on every input.
/// What parses must describe the packet exactly (the signed part ends where the signature string
/// starts) and survive a write and re-parse with the same fields; nothing may throw.
/// </summary>
internal sealed class SetupMessagesTarget : IFuzzTarget
{
    public string Name => "setup-messages";

    public void Run(ReadOnlySpan<byte> input)
    {
        bool haveHeader = PacketHeader.TryParse(input, out var header);
        FuzzInvariantException.Check(haveHeader == input.Length >= PacketHeader.Length, "header length rule");
        if (haveHeader)
        {
            Span<byte> again = stackalloc byte[PacketHeader.Length];
            header.Write(again);
            FuzzInvariantException.Check(again.SequenceEqual(input[..PacketHeader.Length]), "header round trip");
            var nak = header.NakReply();
            FuzzInvariantException.Check(nak.Dest == header.Source && nak.Source == header.Dest && nak.Label == MessageLabel.Nak, "NAK reply swaps indices");
        }
        if (Msg1.TryParse(input, out var m1)) CheckMsg1(m1);
        if (Msg2.TryParse(input, out var m2)) CheckMsg2(m2);
        if (Msg3.TryParse(input, out var m3)) CheckMsg3(m3, input.Length);
        if (Msg4.TryParse(input, out var m4)) CheckMsg4(m4, input.Length);
        if (Prod.TryParse(input, out var prod)) CheckProd(prod);
        foreach (var kind in (ReadOnlySpan<SetupKind>)[SetupKind.Msg1, SetupKind.Msg2, SetupKind.Msg3, SetupKind.Msg4])
            if (NameExtra.TryParse(input, kind, out var extra)) CheckExtra(extra);
    }

    private static void CheckExtra(in NameExtra extra)
    {
        FuzzInvariantException.Check(extra.KeyIds.Length % NameExtra.KeyIdLength == 0, "key id list is whole ids");
        FuzzInvariantException.Check(extra.KeyIdCount >= 1, "at least the implicit key id");
        for (int i = 0; i < extra.KeyIdCount; i++)
            FuzzInvariantException.Check(extra.KeyId(i).Length == NameExtra.KeyIdLength, "key id length");
    }

    // The daemon only writes its own configured names; a peer's name too long to write back is
    // not something it ever echoes, so the round trip covers what a writer could produce.
    private static bool Writable(SetupKind kind, int sender, in NameExtra extra, int receiver) =>
        sender + 1 + extra.EncodedLength(kind) <= ushort.MaxValue && receiver <= ushort.MaxValue
        && NameField.PairLength(kind, sender, extra, receiver) < 1 << 20;

    private static void CheckMsg1(Msg1 m)
    {
        CheckExtra(m.SenderExtra);
        if (!Writable(SetupKind.Msg1, m.SenderName.Length, m.SenderExtra, m.ReceiverName.Length)) return;
        var buffer = new byte[m.Length];
        FuzzInvariantException.Check(m.Write(buffer) == buffer.Length, "MSG1 length");
        FuzzInvariantException.Check(Msg1.TryParse(buffer, out var r), "MSG1 re-parse");
        FuzzInvariantException.Check(r.Header == m.Header && r.SenderName.SequenceEqual(m.SenderName)
            && r.ReceiverName.SequenceEqual(m.ReceiverName) && r.Nonce.SequenceEqual(m.Nonce)
            && r.SenderExtra.Capabilities == m.SenderExtra.Capabilities, "MSG1 round trip");
    }

    private static void CheckMsg2(Msg2 m)
    {
        CheckExtra(m.SenderExtra);
        if (!Writable(SetupKind.Msg2, m.SenderName.Length, m.SenderExtra, m.ReceiverName.Length)) return;
        var buffer = new byte[m.Length];
        FuzzInvariantException.Check(m.Write(buffer) == buffer.Length, "MSG2 length");
        FuzzInvariantException.Check(Msg2.TryParse(buffer, out var r), "MSG2 re-parse");
        FuzzInvariantException.Check(r.Header == m.Header && r.SenderName.SequenceEqual(m.SenderName)
            && r.ReceiverName.SequenceEqual(m.ReceiverName) && r.SenderNonce.SequenceEqual(m.SenderNonce)
            && r.ReceiverNonce.SequenceEqual(m.ReceiverNonce)
            && r.SenderExtra.Capabilities == m.SenderExtra.Capabilities, "MSG2 round trip");
    }

    private static void CheckMsg3(Msg3 m, int packetLength)
    {
        CheckExtra(m.SenderExtra);
        FuzzInvariantException.Check(m.SignedLength + 2 + m.Signature.Length == packetLength, "MSG3 signature ends the packet");
        FuzzInvariantException.Check(m.IsBis || m.Transform == Msg3.ImplicitTransform, "plain MSG3 implies serpent256-cbc");
        if (!Writable(SetupKind.Msg3, m.SenderName.Length, m.SenderExtra, m.ReceiverName.Length)) return;
        var buffer = new byte[m.Length];
        FuzzInvariantException.Check(m.Write(buffer) == buffer.Length, "MSG3 length");
        FuzzInvariantException.Check(Msg3.TryParse(buffer, out var r), "MSG3 re-parse");
        FuzzInvariantException.Check(r.Header == m.Header && r.SenderName.SequenceEqual(m.SenderName)
            && r.ReceiverName.SequenceEqual(m.ReceiverName) && r.SenderNonce.SequenceEqual(m.SenderNonce)
            && r.ReceiverNonce.SequenceEqual(m.ReceiverNonce) && r.Transform == m.Transform
            && r.DhPublic.SequenceEqual(m.DhPublic) && r.Signature.SequenceEqual(m.Signature)
            && r.SenderExtra.Capabilities == m.SenderExtra.Capabilities && r.SenderExtra.Mtu == m.SenderExtra.Mtu
            && r.SignedLength == m.SignedPartLength, "MSG3 round trip");
    }

    private static void CheckMsg4(Msg4 m, int packetLength)
    {
        CheckExtra(m.SenderExtra);
        FuzzInvariantException.Check(m.SignedLength + 2 + m.Signature.Length == packetLength, "MSG4 signature ends the packet");
        if (!Writable(SetupKind.Msg4, m.SenderName.Length, m.SenderExtra, m.ReceiverName.Length)) return;
        var buffer = new byte[m.Length];
        FuzzInvariantException.Check(m.Write(buffer) == buffer.Length, "MSG4 length");
        FuzzInvariantException.Check(Msg4.TryParse(buffer, out var r), "MSG4 re-parse");
        FuzzInvariantException.Check(r.Header == m.Header && r.SenderName.SequenceEqual(m.SenderName)
            && r.ReceiverName.SequenceEqual(m.ReceiverName) && r.SenderNonce.SequenceEqual(m.SenderNonce)
            && r.ReceiverNonce.SequenceEqual(m.ReceiverNonce) && r.DhPublic.SequenceEqual(m.DhPublic)
            && r.Signature.SequenceEqual(m.Signature) && r.SenderExtra.Mtu == m.SenderExtra.Mtu
            && r.SignedLength == m.SignedPartLength, "MSG4 round trip");
    }

    private static void CheckProd(Prod m)
    {
        FuzzInvariantException.Check(m.SenderName.IndexOf((byte)0) < 0 && m.ReceiverName.IndexOf((byte)0) < 0, "PROD names stop at NUL");
        if (m.SenderName.Length > ushort.MaxValue || m.ReceiverName.Length > ushort.MaxValue) return;
        var buffer = new byte[m.Length];
        FuzzInvariantException.Check(m.Write(buffer) == buffer.Length, "PROD length");
        FuzzInvariantException.Check(Prod.TryParse(buffer, out var r), "PROD re-parse");
        FuzzInvariantException.Check(r.SenderName.SequenceEqual(m.SenderName) && r.ReceiverName.SequenceEqual(m.ReceiverName), "PROD round trip");
    }
}
