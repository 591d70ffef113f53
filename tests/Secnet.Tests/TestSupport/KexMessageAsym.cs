using System.Buffers.Binary;

namespace Secnet.Tests.TestSupport;

/// <summary>The parts of a captured MSG1-MSG4 the asymmetric-crypto tests need
/// (protocol.md §4). Only used on known-good captures.</summary>
internal sealed record KexMessageAsym(
    uint Label,
    string SenderName,
    byte[] FirstNonce,
    byte[]? DhPublicHex,
    byte[]? SignatureHex,
    int SignedLength)
{
    public const uint Msg1 = 0x01010101;
    public const uint Msg2 = 0x02020202;
    public const uint Msg3 = 0x03030303;
    public const uint Msg3Bis = 0x13030313;
    public const uint Msg4 = 0x04040404;
    public const uint Msg5 = 0x05050505;
    public const uint Msg6 = 0x06060606;

    public static uint LabelOf(byte[] payload) => BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(8));

    public static KexMessageAsym Parse(byte[] payload)
    {
        uint label = LabelOf(payload);
        int position = 12;
        byte[] sender = ReadString(payload, ref position);
        ReadString(payload, ref position);
        byte[] firstNonce = payload.AsSpan(position, 8).ToArray();
        position += label == Msg1 ? 8 : 16;
        string senderName = System.Text.Encoding.ASCII.GetString(sender.AsSpan(0, IndexOfNulOrEnd(sender)));
        if (label is not (Msg3 or Msg3Bis or Msg4))
        {
            return new KexMessageAsym(label, senderName, firstNonce, null, null, 0);
        }

        if (label == Msg3Bis)
        {
            position++; // chosen transform
        }

        byte[] dh = ReadString(payload, ref position);
        int signed = position;
        byte[] signature = ReadString(payload, ref position);
        return new KexMessageAsym(label, senderName, firstNonce, dh, signature, signed);
    }

    private static int IndexOfNulOrEnd(byte[] s)
    {
        int i = Array.IndexOf(s, (byte)0);
        return i < 0 ? s.Length : i;
    }

    private static byte[] ReadString(byte[] payload, ref int position)
    {
        int length = BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(position));
        byte[] value = payload.AsSpan(position + 2, length).ToArray();
        position += 2 + length;
        return value;
    }
}
