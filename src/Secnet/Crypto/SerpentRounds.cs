using System.Runtime.InteropServices;

namespace Secnet.Crypto;

/// <summary>Serpent's key schedule; the rounds themselves are in the generated <see cref="SerpentKernels"/>.</summary>
internal static class SerpentRounds
{
    public const int SubkeyWords = 132;
    private const uint Phi = 0x9E3779B9;

    /// <summary>Standard Serpent key schedule from the eight little-endian key words (already padded).
    /// Subkey r occupies words [4r..4r+3].</summary>
    public static void ExpandKey(ReadOnlySpan<uint> keyWords, Span<uint> subkeys)
    {
        Span<uint> w = stackalloc uint[8 + SubkeyWords];
        keyWords[..8].CopyTo(w);
        for (int i = 0; i < SubkeyWords; i++)
        {
            uint t = w[i] ^ w[i + 3] ^ w[i + 5] ^ w[i + 7] ^ Phi ^ (uint)i;
            w[i + 8] = (t << 11) | (t >> 21);
        }
        for (int r = 0; r < 33; r++)
        {
            var s = w.Slice(8 + 4 * r, 4);
            SerpentKernels.SBox((3 - r) & 7, inverse: false, ref s[0], ref s[1], ref s[2], ref s[3]);
            s.CopyTo(subkeys[(4 * r)..]);
        }
        w.Clear();
    }

    /// <summary>Reference to the first subkey word, after checking there are all 132.</summary>
    public static ref uint First(ReadOnlySpan<uint> subkeys) =>
        ref MemoryMarshal.GetReference(subkeys[..SubkeyWords]);
}
