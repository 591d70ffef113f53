using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Secnet.Crypto;

/// <summary>
/// Multi-block Serpent: 8 (AVX2) or 4 (SSE2) independent blocks, one per 32-bit lane. Blocks are loaded
/// as rows and transposed so that word i of every block sits in one vector; the transposition is its
/// own inverse, so the same shuffle puts the results back. The rounds come from the same generated circuits as the scalar path.
/// </summary>
internal static class SerpentSimd
{
    /// <summary>Processes the largest multiple of 8 blocks; returns the bytes done.</summary>
    public static int Blocks8(ReadOnlySpan<uint> subkeys, SerpentByteOrder order, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        int n = input.Length & ~127;
        ref byte src = ref MemoryMarshal.GetReference(input);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        bool reversed = order == SerpentByteOrder.Reversed;
        for (int off = 0; off < n; off += 128)
        {
            var v0 = Vector256.LoadUnsafe(ref src, (nuint)off);
            var v1 = Vector256.LoadUnsafe(ref src, (nuint)(off + 32));
            var v2 = Vector256.LoadUnsafe(ref src, (nuint)(off + 64));
            var v3 = Vector256.LoadUnsafe(ref src, (nuint)(off + 96));
            if (reversed)
            {
                v0 = Reverse(v0); v1 = Reverse(v1); v2 = Reverse(v2); v3 = Reverse(v3);
            }
            Transpose(v0.AsUInt32(), v1.AsUInt32(), v2.AsUInt32(), v3.AsUInt32(), out var a, out var b, out var c, out var d);
            if (encrypt)
                SerpentKernels.Encrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(subkeys));
            else
                SerpentKernels.Decrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(subkeys));
            Transpose(a, b, c, d, out a, out b, out c, out d);
            v0 = a.AsByte(); v1 = b.AsByte(); v2 = c.AsByte(); v3 = d.AsByte();
            if (reversed)
            {
                v0 = Reverse(v0); v1 = Reverse(v1); v2 = Reverse(v2); v3 = Reverse(v3);
            }
            v0.StoreUnsafe(ref dst, (nuint)off);
            v1.StoreUnsafe(ref dst, (nuint)(off + 32));
            v2.StoreUnsafe(ref dst, (nuint)(off + 64));
            v3.StoreUnsafe(ref dst, (nuint)(off + 96));
        }
        return n;
    }

    /// <summary>Processes the largest multiple of 4 blocks; returns the bytes done.</summary>
    public static int Blocks4(ReadOnlySpan<uint> subkeys, SerpentByteOrder order, ReadOnlySpan<byte> input, Span<byte> output, bool encrypt)
    {
        int n = input.Length & ~63;
        ref byte src = ref MemoryMarshal.GetReference(input);
        ref byte dst = ref MemoryMarshal.GetReference(output);
        bool reversed = order == SerpentByteOrder.Reversed;
        for (int off = 0; off < n; off += 64)
        {
            var v0 = Vector128.LoadUnsafe(ref src, (nuint)off);
            var v1 = Vector128.LoadUnsafe(ref src, (nuint)(off + 16));
            var v2 = Vector128.LoadUnsafe(ref src, (nuint)(off + 32));
            var v3 = Vector128.LoadUnsafe(ref src, (nuint)(off + 48));
            if (reversed)
            {
                v0 = Reverse(v0); v1 = Reverse(v1); v2 = Reverse(v2); v3 = Reverse(v3);
            }
            Transpose(v0.AsUInt32(), v1.AsUInt32(), v2.AsUInt32(), v3.AsUInt32(), out var a, out var b, out var c, out var d);
            if (encrypt)
                SerpentKernels.Encrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(subkeys));
            else
                SerpentKernels.Decrypt(ref a, ref b, ref c, ref d, ref SerpentRounds.First(subkeys));
            Transpose(a, b, c, d, out a, out b, out c, out d);
            v0 = a.AsByte(); v1 = b.AsByte(); v2 = c.AsByte(); v3 = d.AsByte();
            if (reversed)
            {
                v0 = Reverse(v0); v1 = Reverse(v1); v2 = Reverse(v2); v3 = Reverse(v3);
            }
            v0.StoreUnsafe(ref dst, (nuint)off);
            v1.StoreUnsafe(ref dst, (nuint)(off + 16));
            v2.StoreUnsafe(ref dst, (nuint)(off + 32));
            v3.StoreUnsafe(ref dst, (nuint)(off + 48));
        }
        return n;
    }

    /// <summary>Reverses each 16-byte block: maps the Tnepres byte order onto the standard one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Reverse(Vector256<byte> v) =>
        Avx2.Shuffle(v, Vector256.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
                                         15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<byte> Reverse(Vector128<byte> v) =>
        Ssse3.Shuffle(v, Vector128.Create((byte)15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));

    /// <summary>4x4 transpose of 32-bit words inside each 128-bit half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector256<uint> r0, Vector256<uint> r1, Vector256<uint> r2, Vector256<uint> r3,
        out Vector256<uint> c0, out Vector256<uint> c1, out Vector256<uint> c2, out Vector256<uint> c3)
    {
        var t0 = Avx2.UnpackLow(r0, r1).AsUInt64();
        var t1 = Avx2.UnpackLow(r2, r3).AsUInt64();
        var t2 = Avx2.UnpackHigh(r0, r1).AsUInt64();
        var t3 = Avx2.UnpackHigh(r2, r3).AsUInt64();
        c0 = Avx2.UnpackLow(t0, t1).AsUInt32();
        c1 = Avx2.UnpackHigh(t0, t1).AsUInt32();
        c2 = Avx2.UnpackLow(t2, t3).AsUInt32();
        c3 = Avx2.UnpackHigh(t2, t3).AsUInt32();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector128<uint> r0, Vector128<uint> r1, Vector128<uint> r2, Vector128<uint> r3,
        out Vector128<uint> c0, out Vector128<uint> c1, out Vector128<uint> c2, out Vector128<uint> c3)
    {
        var t0 = Sse2.UnpackLow(r0, r1).AsUInt64();
        var t1 = Sse2.UnpackLow(r2, r3).AsUInt64();
        var t2 = Sse2.UnpackHigh(r0, r1).AsUInt64();
        var t3 = Sse2.UnpackHigh(r2, r3).AsUInt64();
        c0 = Sse2.UnpackLow(t0, t1).AsUInt32();
        c1 = Sse2.UnpackHigh(t0, t1).AsUInt32();
        c2 = Sse2.UnpackLow(t2, t3).AsUInt32();
        c3 = Sse2.UnpackHigh(t2, t3).AsUInt32();
    }
}
