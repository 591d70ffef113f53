using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Secnet.Crypto;

/// <summary>
/// What the bitsliced Serpent rounds need from a "word": one 32-bit word of one block (scalar) or the
/// same word of 4 or 8 independent blocks side by side (SIMD lanes). Writing the rounds once against
/// this interface keeps the scalar and SIMD paths bit-identical; the JIT specialises each struct.
/// </summary>
internal interface ISerpentWord<T> where T : struct, ISerpentWord<T>
{
    static abstract T operator &(T a, T b);
    static abstract T operator |(T a, T b);
    static abstract T operator ^(T a, T b);
    static abstract T operator ~(T a);
    static abstract T RotateLeft(T x, int n);
    static abstract T ShiftLeft(T x, int n);
    static abstract T Broadcast(uint value);
}

internal readonly struct Word32(uint value) : ISerpentWord<Word32>
{
    public readonly uint Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 operator &(Word32 a, Word32 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 operator |(Word32 a, Word32 b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 operator ^(Word32 a, Word32 b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 operator ~(Word32 a) => new(~a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 RotateLeft(Word32 x, int n) => new(BitOperations.RotateLeft(x.Value, n));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 ShiftLeft(Word32 x, int n) => new(x.Value << n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word32 Broadcast(uint value) => new(value);
}

internal readonly struct Word128(Vector128<uint> value) : ISerpentWord<Word128>
{
    public readonly Vector128<uint> Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 operator &(Word128 a, Word128 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 operator |(Word128 a, Word128 b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 operator ^(Word128 a, Word128 b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 operator ~(Word128 a) => new(~a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 RotateLeft(Word128 x, int n) => new((x.Value << n) | (x.Value >>> (32 - n)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 ShiftLeft(Word128 x, int n) => new(x.Value << n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 Broadcast(uint value) => new(Vector128.Create(value));
}

internal readonly struct Word256(Vector256<uint> value) : ISerpentWord<Word256>
{
    public readonly Vector256<uint> Value = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 operator &(Word256 a, Word256 b) => new(a.Value & b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 operator |(Word256 a, Word256 b) => new(a.Value | b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 operator ^(Word256 a, Word256 b) => new(a.Value ^ b.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 operator ~(Word256 a) => new(~a.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 RotateLeft(Word256 x, int n) => new((x.Value << n) | (x.Value >>> (32 - n)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 ShiftLeft(Word256 x, int n) => new(x.Value << n);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 Broadcast(uint value) => new(Vector256.Create(value));
}
