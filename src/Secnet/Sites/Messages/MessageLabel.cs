namespace Secnet.Sites.Messages;

/// <summary>Message labels (protocol.md §2): header label or first plaintext word.</summary>
public static class MessageLabel
{
    public const uint Nak = 0x00000000;
    public const uint Msg0 = 0x00020200;
    public const uint Msg1 = 0x01010101;
    public const uint Msg2 = 0x02020202;
    public const uint Msg3 = 0x03030303;
    public const uint Msg3Bis = 0x13030313;
    public const uint Msg4 = 0x04040404;
    public const uint Msg5 = 0x05050505;
    public const uint Msg6 = 0x06060606;
    public const uint Msg7 = 0x07070707;
    public const uint Msg8 = 0x08080808;
    public const uint Msg9 = 0x09090909;
    public const uint Prod = 0x0a0a0a0a;

    /// <summary>The 0.6.7 (major, minor) → label mapping, kept so numbers are not magic.</summary>
    public static uint FromMajorMinor(ushort major, ushort minor)
    {
        uint a = (uint)(major >> 12) & 0xf, b = (uint)(major >> 8) & 0xf, c = (uint)(major >> 4) & 0xf, d = (uint)major & 0xf;
        uint w = (uint)(minor >> 12) & 0xf, x = (uint)(minor >> 8) & 0xf, y = (uint)(minor >> 4) & 0xf, z = (uint)minor & 0xf;
        return ((w ^ z) << 28) | ((x ^ d) << 24) | (y << 20) | ((a ^ d) << 16) | (b << 12) | ((c ^ d) << 8) | (z << 4) | d;
    }
}
