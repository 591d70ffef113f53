namespace Secnet.Sites.Messages;

/// <summary>
/// The "extra information" after the NUL in a sender-name field (protocol.md §3). Which items a
/// message carries depends on its kind; absent items take the documented defaults.
/// </summary>
public ref struct NameExtra
{
    public const int KeyIdLength = 5;

    /// <summary>The key ids a peer may list; only the first four are used (0.6.7).</summary>
    public const int MaxUsedKeyIds = 4;

    /// <summary>The implicit accepted list when none is sent: the old-style key id 0000000000.</summary>
    public static ReadOnlySpan<byte> OldStyleKeyId => [0, 0, 0, 0, 0];

    public uint Capabilities;
    public ushort Mtu;

    /// <summary>The accepted key ids, N×5 bytes; empty means the implicit single zero id. A
    /// parsed list is as sent (a receiver uses only the first <see cref="MaxUsedKeyIds"/>).</summary>
    public ReadOnlySpan<byte> KeyIds;

    public byte KeyIndex;

    public readonly int KeyIdCount => KeyIds.IsEmpty ? 1 : KeyIds.Length / KeyIdLength;

    public readonly ReadOnlySpan<byte> KeyId(int index) =>
        KeyIds.IsEmpty ? OldStyleKeyId : KeyIds.Slice(index * KeyIdLength, KeyIdLength);

    private static bool HasMtu(SetupKind kind) => kind is SetupKind.Msg3 or SetupKind.Msg4;
    private static bool HasKeyList(SetupKind kind) => kind is SetupKind.Msg2 or SetupKind.Msg3;
    private static bool HasKeyIndex(SetupKind kind) => kind is SetupKind.Msg3 or SetupKind.Msg4;

    /// <summary>Parses the 0.6.7 extra layout, accepting any initial subset and ignoring trailing bytes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> extra, SetupKind kind, out NameExtra result)
    {
        result = default;
        if (extra.IsEmpty) return true;
        var r = new WireReader(extra);
        if (!r.TryU32(out result.Capabilities)) return false;
        if (HasMtu(kind) && r.Remaining > 0 && !r.TryU16(out result.Mtu)) return false;
        if (HasKeyList(kind) && r.Remaining > 0)
        {
            r.TryU8(out byte n);
            if (n == 0 || !r.TryBytes(n * KeyIdLength, out result.KeyIds)) return false;
        }
        if (HasKeyIndex(kind) && r.Remaining > 0) r.TryU8(out result.KeyIndex);
        return true;
    }

    /// <summary>Bytes after the NUL in the 0.6.7 layout for this message kind.</summary>
    public readonly int EncodedLength(SetupKind kind) =>
        4 + (HasMtu(kind) ? 2 : 0) + (HasKeyList(kind) ? 1 + KeyIdCount * KeyIdLength : 0) + (HasKeyIndex(kind) ? 1 : 0);

    /// <summary>Writes the 0.6.7 layout: caps, MTU, the list of key ids we accept (the zero id
    /// alone when <see cref="KeyIds"/> is empty), the index of our signing key.</summary>
    public readonly void Write(ref WireWriter w, SetupKind kind)
    {
        w.U32(Capabilities);
        if (HasMtu(kind)) w.U16(Mtu);
        if (HasKeyList(kind))
        {
            w.U8(checked((byte)KeyIdCount));
            w.Bytes(KeyIds.IsEmpty ? OldStyleKeyId : KeyIds);
        }
        if (HasKeyIndex(kind)) w.U8(KeyIndex);
    }
}
