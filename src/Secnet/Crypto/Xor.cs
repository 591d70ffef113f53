using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Secnet.Crypto;

/// <summary>XOR of byte strings, vectorised; destination may alias either source.</summary>
internal static class Xor
{
    public static void Bytes(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        int n = a.Length;
        if (b.Length < n || destination.Length < n)
            throw new ArgumentException("spans too short");
        ref byte ra = ref MemoryMarshal.GetReference(a);
        ref byte rb = ref MemoryMarshal.GetReference(b);
        ref byte rd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i + 32 <= n; i += 32)
            (Vector256.LoadUnsafe(ref ra, (nuint)i) ^ Vector256.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        for (; i + 16 <= n; i += 16)
            (Vector128.LoadUnsafe(ref ra, (nuint)i) ^ Vector128.LoadUnsafe(ref rb, (nuint)i)).StoreUnsafe(ref rd, (nuint)i);
        for (; i < n; i++)
            Unsafe.Add(ref rd, i) = (byte)(Unsafe.Add(ref ra, i) ^ Unsafe.Add(ref rb, i));
    }

    /// <summary>destination[0..16) = a ^ b for one block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Block(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination) =>
        (Vector128.Create(a[..16]) ^ Vector128.Create(b[..16])).CopyTo(destination[..16]);
}
