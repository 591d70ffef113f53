using Secnet.Packets;

namespace Secnet.Tests.Transforms;

internal static class TransformTestKit
{
    /// <summary>The 128 key bytes 0x40..0xbf of the worked examples (crypto.md §3.7, §4.6).</summary>
    public static byte[] ExampleKey() => Enumerable.Range(0x40, 128).Select(i => (byte)i).ToArray();

    public static readonly byte[] ExamplePayload = Convert.FromHexString("0909090948656c6c6f2c207365636e657421");

    public static PacketBuffer Packet(ReadOnlySpan<byte> data)
    {
        var p = new PacketBuffer(4096);
        p.CopyFrom(data);
        return p;
    }

    public static string Hex(PacketBuffer p) => Convert.ToHexStringLower(p.Data);
}
