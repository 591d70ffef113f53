using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Secnet.Crypto;

/// <summary>
/// The 32 Serpent rounds on four words, generic over the word width so that one block (scalar) and
/// 4 or 8 blocks (SIMD lanes) share exactly the same code. Subkeys: 33 x 4 words, round r at [4r..4r+3].
/// </summary>
internal static class SerpentRounds
{
    public const int SubkeyWords = 132;
    private const uint Phi = 0x9E3779B9;

    /// <summary>Standard Serpent key schedule from the eight little-endian key words (already padded).</summary>
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
            var a = new Word32(w[8 + 4 * r]);
            var b = new Word32(w[9 + 4 * r]);
            var c = new Word32(w[10 + 4 * r]);
            var d = new Word32(w[11 + 4 * r]);
            ApplySBox((3 - r) & 7, ref a, ref b, ref c, ref d);
            subkeys[4 * r] = a.Value;
            subkeys[4 * r + 1] = b.Value;
            subkeys[4 * r + 2] = c.Value;
            subkeys[4 * r + 3] = d.Value;
        }
        w.Clear();
    }

    private static void ApplySBox(int box, ref Word32 a, ref Word32 b, ref Word32 c, ref Word32 d)
    {
        switch (box)
        {
            case 0: SerpentSBoxes.S0(ref a, ref b, ref c, ref d); break;
            case 1: SerpentSBoxes.S1(ref a, ref b, ref c, ref d); break;
            case 2: SerpentSBoxes.S2(ref a, ref b, ref c, ref d); break;
            case 3: SerpentSBoxes.S3(ref a, ref b, ref c, ref d); break;
            case 4: SerpentSBoxes.S4(ref a, ref b, ref c, ref d); break;
            case 5: SerpentSBoxes.S5(ref a, ref b, ref c, ref d); break;
            case 6: SerpentSBoxes.S6(ref a, ref b, ref c, ref d); break;
            default: SerpentSBoxes.S7(ref a, ref b, ref c, ref d); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Mix<T>(ref T x0, ref T x1, ref T x2, ref T x3, ref uint k) where T : struct, ISerpentWord<T>
    {
        x0 ^= T.Broadcast(k);
        x1 ^= T.Broadcast(Unsafe.Add(ref k, 1));
        x2 ^= T.Broadcast(Unsafe.Add(ref k, 2));
        x3 ^= T.Broadcast(Unsafe.Add(ref k, 3));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Linear<T>(ref T x0, ref T x1, ref T x2, ref T x3) where T : struct, ISerpentWord<T>
    {
        x0 = T.RotateLeft(x0, 13);
        x2 = T.RotateLeft(x2, 3);
        x1 = x1 ^ x0 ^ x2;
        x3 = x3 ^ x2 ^ T.ShiftLeft(x0, 3);
        x1 = T.RotateLeft(x1, 1);
        x3 = T.RotateLeft(x3, 7);
        x0 = x0 ^ x1 ^ x3;
        x2 = x2 ^ x3 ^ T.ShiftLeft(x1, 7);
        x0 = T.RotateLeft(x0, 5);
        x2 = T.RotateLeft(x2, 22);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InverseLinear<T>(ref T x0, ref T x1, ref T x2, ref T x3) where T : struct, ISerpentWord<T>
    {
        x2 = T.RotateLeft(x2, 10);
        x0 = T.RotateLeft(x0, 27);
        x2 = x2 ^ x3 ^ T.ShiftLeft(x1, 7);
        x0 = x0 ^ x1 ^ x3;
        x3 = T.RotateLeft(x3, 25);
        x1 = T.RotateLeft(x1, 31);
        x3 = x3 ^ x2 ^ T.ShiftLeft(x0, 3);
        x1 = x1 ^ x0 ^ x2;
        x2 = T.RotateLeft(x2, 29);
        x0 = T.RotateLeft(x0, 19);
    }

    /// <summary>Works on local copies so the JIT keeps the state in registers, not behind the refs.</summary>
    public static void Encrypt<T>(ref T b0, ref T b1, ref T b2, ref T b3, ReadOnlySpan<uint> subkeys)
        where T : struct, ISerpentWord<T>
    {
        T x0 = b0, x1 = b1, x2 = b2, x3 = b3;
        ref uint k = ref MemoryMarshal.GetReference(subkeys[..SubkeyWords]);
        for (int r = 0; r < 32; r += 8)
        {
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r));
            SerpentSBoxes.S0(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 4));
            SerpentSBoxes.S1(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 8));
            SerpentSBoxes.S2(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 12));
            SerpentSBoxes.S3(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 16));
            SerpentSBoxes.S4(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 20));
            SerpentSBoxes.S5(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 24));
            SerpentSBoxes.S6(ref x0, ref x1, ref x2, ref x3);
            Linear(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 28));
            SerpentSBoxes.S7(ref x0, ref x1, ref x2, ref x3);
            if (r < 24)
                Linear(ref x0, ref x1, ref x2, ref x3);
        }
        Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 128));
        b0 = x0; b1 = x1; b2 = x2; b3 = x3;
    }

    /// <summary>Works on local copies so the JIT keeps the state in registers, not behind the refs.</summary>
    public static void Decrypt<T>(ref T b0, ref T b1, ref T b2, ref T b3, ReadOnlySpan<uint> subkeys)
        where T : struct, ISerpentWord<T>
    {
        T x0 = b0, x1 = b1, x2 = b2, x3 = b3;
        ref uint k = ref MemoryMarshal.GetReference(subkeys[..SubkeyWords]);
        Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 128));
        for (int r = 24; r >= 0; r -= 8)
        {
            if (r < 24)
                InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I7(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 28));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I6(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 24));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I5(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 20));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I4(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 16));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I3(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 12));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I2(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 8));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I1(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r + 4));
            InverseLinear(ref x0, ref x1, ref x2, ref x3);
            SerpentSBoxes.I0(ref x0, ref x1, ref x2, ref x3);
            Mix(ref x0, ref x1, ref x2, ref x3, ref Unsafe.Add(ref k, 4 * r));
        }
        b0 = x0; b1 = x1; b2 = x2; b3 = x3;
    }
}
