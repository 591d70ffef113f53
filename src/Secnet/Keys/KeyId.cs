using System.Buffers.Binary;
using System.Globalization;

namespace Secnet.Keys;

/// <summary>
/// A signing key's id (NOTES, "Site long-term keys"): a 4-byte group id chosen by the key's
/// publisher and a 1-byte algorithm id. <c>0000000000</c> is the rsa1 key configured the old
/// way (<c>local-key</c>, <c>key</c>). Printed and named in files as 10 lower-case hex digits.
/// </summary>
public readonly record struct KeyId(uint Group, byte Algorithm)
{
    public const int Length = 5;

    /// <summary>The only algorithm: rsa1 (SSH-1 RSA keys, PKCS#1-style signatures, sha1).</summary>
    public const byte Rsa1 = 0;

    public static KeyId Legacy => default;

    public static KeyId Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4]);

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Group);
        destination[4] = Algorithm;
    }

    /// <summary>8 hex digits (either case) as a group id, as in <c>pkg</c> lines and options.</summary>
    public static bool TryParseGroup(ReadOnlySpan<char> text, out uint group) =>
        uint.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out group) && text.Length == 8;

    public override string ToString() => $"{Group:x8}{Algorithm:x2}";
}
