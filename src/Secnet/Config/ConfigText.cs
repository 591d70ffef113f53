using System.Text;

namespace Secnet.Config;

/// <summary>
/// Turns configuration bytes (strings, keys, file names) into .NET strings. The language makes no
/// encoding assumption, so valid UTF-8 is decoded as such and anything else byte-for-byte as
/// Latin-1, which keeps every byte distinguishable.
/// </summary>
public static class ConfigText
{
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return string.Empty;
        return System.Text.Unicode.Utf8.IsValid(bytes)
            ? Encoding.UTF8.GetString(bytes)
            : Encoding.Latin1.GetString(bytes);
    }
}
