namespace Secnet.Crypto;

/// <summary>secnet's "base91s": Joachim Henke's basE91 with '"' replaced by '-' so encoded
/// keys can sit inside config strings. Used for public keys in make-public and peer-keys files.</summary>
public static class Base91s
{
    private const string Alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,./:;<=>?@[]^_`{|}~-";

    private static readonly sbyte[] Values = BuildValues();

    /// <summary>Decodes <paramref name="text"/>; like basE91, characters outside the alphabet
    /// (white space, line breaks) are skipped.</summary>
    public static byte[] Decode(ReadOnlySpan<char> text)
    {
        var output = new List<byte>(text.Length);
        int pending = -1;
        uint bits = 0;
        int bitCount = 0;
        foreach (char c in text)
        {
            int d = c < 128 ? Values[c] : -1;
            if (d < 0)
            {
                continue;
            }

            if (pending < 0)
            {
                pending = d;
                continue;
            }

            pending += d * 91;
            bits |= (uint)pending << bitCount;
            // A pair carries 13 bits, or 14 when the 13-bit value would be small enough.
            bitCount += (pending & 8191) > 88 ? 13 : 14;
            do
            {
                output.Add((byte)bits);
                bits >>= 8;
                bitCount -= 8;
            }
            while (bitCount > 7);
            pending = -1;
        }

        if (pending >= 0)
        {
            output.Add((byte)(bits | ((uint)pending << bitCount)));
        }

        return [.. output];
    }

    /// <summary>Encodes <paramref name="data"/> (for tests and key tools).</summary>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        var output = new System.Text.StringBuilder();
        uint bits = 0;
        int bitCount = 0;
        foreach (byte b in data)
        {
            bits |= (uint)b << bitCount;
            bitCount += 8;
            if (bitCount > 13)
            {
                uint v = bits & 8191;
                if (v > 88)
                {
                    bits >>= 13;
                    bitCount -= 13;
                }
                else
                {
                    v = bits & 16383;
                    bits >>= 14;
                    bitCount -= 14;
                }

                output.Append(Alphabet[(int)(v % 91)]).Append(Alphabet[(int)(v / 91)]);
            }
        }

        if (bitCount > 0)
        {
            output.Append(Alphabet[(int)(bits % 91)]);
            if (bitCount > 7 || bits > 90)
            {
                output.Append(Alphabet[(int)(bits / 91)]);
            }
        }

        return output.ToString();
    }

    private static sbyte[] BuildValues()
    {
        var values = new sbyte[128];
        Array.Fill(values, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (sbyte)i;
        }

        return values;
    }
}
