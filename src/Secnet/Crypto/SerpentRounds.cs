using System.Numerics;
using System.Runtime.InteropServices;

namespace Secnet.Crypto;

/// <summary>
/// Serpent's key schedule; the rounds themselves are in the generated <see cref="SerpentKernels"/>.
/// The kernels' S-box circuits expect complemented inputs and omit output complements (constants per
/// S-box, <see cref="SerpentKernels.EncryptInputMasks"/> etc.). Because the linear transform is linear,
/// both constants can be XORed into the neighbouring subkeys instead, so separate subkey arrays are
/// derived for encryption and decryption.
/// </summary>
internal static class SerpentRounds
{
    public const int SubkeyWords = 132;
    private const uint Phi = 0x9E3779B9;

    /// <summary>Standard Serpent key schedule from the eight little-endian key words (already padded),
    /// adjusted for the encryption and decryption kernels. Subkey r occupies words [4r..4r+3].</summary>
    public static void ExpandKey(ReadOnlySpan<uint> keyWords, Span<uint> encrypt, Span<uint> decrypt)
    {
        Span<uint> w = stackalloc uint[8 + SubkeyWords];
        keyWords[..8].CopyTo(w);
        for (int i = 0; i < SubkeyWords; i++)
        {
            uint t = w[i] ^ w[i + 3] ^ w[i + 5] ^ w[i + 7] ^ Phi ^ (uint)i;
            w[i + 8] = (t << 11) | (t >> 21);
        }
        var k = w[8..];
        for (int r = 0; r < 33; r++)
        {
            var s = k.Slice(4 * r, 4);
            SerpentKernels.SBox((3 - r) & 7, inverse: false, ref s[0], ref s[1], ref s[2], ref s[3]);
        }
        k.CopyTo(encrypt);
        k.CopyTo(decrypt);
        w.Clear();

        for (int r = 0; r < 32; r++)
        {
            XorMask(encrypt, r, SerpentKernels.EncryptInputMasks[r & 7], linear: false);
            if (r > 0)
                XorMask(encrypt, r, SerpentKernels.EncryptOutputMasks[(r - 1) & 7], linear: true);
        }
        XorMask(encrypt, 32, SerpentKernels.EncryptOutputMasks[7], linear: false);

        XorMask(decrypt, 32, SerpentKernels.DecryptInputMasks[7], linear: false);
        for (int r = 0; r < 32; r++)
        {
            XorMask(decrypt, r, SerpentKernels.DecryptOutputMasks[r & 7], linear: false);
            if (r > 0)
                XorMask(decrypt, r, SerpentKernels.DecryptInputMasks[(r - 1) & 7], linear: true);
        }
    }

    /// <summary>XORs the complement pattern <paramref name="mask"/> (bit i = all of word i), passed
    /// through the linear transform if <paramref name="linear"/>, into subkey <paramref name="round"/>.</summary>
    private static void XorMask(Span<uint> subkeys, int round, byte mask, bool linear)
    {
        uint x0 = (mask & 1) != 0 ? ~0u : 0, x1 = (mask & 2) != 0 ? ~0u : 0;
        uint x2 = (mask & 4) != 0 ? ~0u : 0, x3 = (mask & 8) != 0 ? ~0u : 0;
        if (linear)
        {
            x0 = BitOperations.RotateLeft(x0, 13);
            x2 = BitOperations.RotateLeft(x2, 3);
            x1 ^= x0 ^ x2;
            x3 ^= x2 ^ (x0 << 3);
            x1 = BitOperations.RotateLeft(x1, 1);
            x3 = BitOperations.RotateLeft(x3, 7);
            x0 ^= x1 ^ x3;
            x2 ^= x3 ^ (x1 << 7);
            x0 = BitOperations.RotateLeft(x0, 5);
            x2 = BitOperations.RotateLeft(x2, 22);
        }
        subkeys[4 * round] ^= x0;
        subkeys[4 * round + 1] ^= x1;
        subkeys[4 * round + 2] ^= x2;
        subkeys[4 * round + 3] ^= x3;
    }

    /// <summary>Reference to the first subkey word, after checking there are all 132.</summary>
    public static ref uint First(ReadOnlySpan<uint> subkeys) =>
        ref MemoryMarshal.GetReference(subkeys[..SubkeyWords]);
}
