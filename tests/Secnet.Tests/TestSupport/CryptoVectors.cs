namespace Secnet.Tests.TestSupport;

/// <summary>Reads the shared test-vector folder (testvectors/README.md describes the formats).</summary>
internal static class CryptoVectors
{
    /// <summary>Records of "NAME: hex" lines; a record starts at <paramref name="firstField"/>.</summary>
    public static List<Dictionary<string, byte[]>> ReadRecords(string file, string firstField)
    {
        var records = new List<Dictionary<string, byte[]>>();
        Dictionary<string, byte[]>? current = null;
        foreach (var raw in File.ReadLines(RepoPaths.Vector(file)))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int colon = line.IndexOf(':');
            if (colon < 0)
                continue;
            string name = line[..colon].Trim();
            string value = line[(colon + 1)..];
            if (name == firstField || current is null)
            {
                current = [];
                records.Add(current);
            }
            current[name] = Hex(value);
        }
        return records;
    }

    /// <summary>Hex with optional embedded spaces; non-hex text (e.g. index lists) yields an empty array.</summary>
    public static byte[] Hex(string text)
    {
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        if (compact.Length % 2 != 0 || !compact.All(Uri.IsHexDigit))
            return [];
        return Convert.FromHexString(compact);
    }
}
