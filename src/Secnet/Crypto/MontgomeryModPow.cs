using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Secnet.Crypto;

/// <summary>
/// Modular exponentiation for odd moduli in Montgomery form on 64-bit limbs. BigInteger.ModPow
/// (Barrett reduction on 32-bit limbs, a fresh product per step) takes about 50 ms for one
/// 2048-bit power, so the Miller-Rabin check of a DH modulus dominated <c>secnet -j</c>
/// (bench/README.md). Not constant-time: use it for public numbers only.
/// </summary>
public static class MontgomeryModPow
{
    private const int WindowBits = 4;

    /// <summary><paramref name="value"/>^<paramref name="exponent"/> mod <paramref name="modulus"/>,
    /// the same result as BigInteger.ModPow for an odd modulus above 1 and exponent ≥ 0.</summary>
    public static BigInteger ModPow(BigInteger value, BigInteger exponent, BigInteger modulus)
    {
        if (modulus.Sign <= 0 || modulus.IsEven || modulus.IsOne)
        {
            throw new ArgumentOutOfRangeException(nameof(modulus), "modulus must be odd and greater than 1");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(exponent.Sign, nameof(exponent));

        int size = (int)((modulus.GetBitLength() + 63) / 64);
        ulong[] n = ToLimbs(modulus, size);
        ulong nPrime = NegativeInverse(n[0]);
        var scratch = new ulong[size + 2];

        // Into Montgomery form (x·R mod n, R = 2^(64·size)) once, with BigInteger's division.
        BigInteger reduced = BigInteger.Remainder(value, modulus);
        if (reduced.Sign < 0)
        {
            reduced += modulus;
        }

        int shift = 64 * size;
        var table = new ulong[1 << WindowBits][];
        table[0] = ToLimbs(BigInteger.Remainder(BigInteger.One << shift, modulus), size);
        table[1] = ToLimbs(BigInteger.Remainder(reduced << shift, modulus), size);
        for (int i = 2; i < table.Length; i++)
        {
            table[i] = new ulong[size];
            Multiply(table[i - 1], table[1], n, nPrime, table[i], scratch);
        }

        ulong[] acc = (ulong[])table[0].Clone();
        byte[] e = exponent.ToByteArray(isUnsigned: true, isBigEndian: true);
        bool started = false;
        foreach (byte b in e)
        {
            for (int half = 1; half >= 0; half--)
            {
                int nibble = (b >> (4 * half)) & 0xF;
                if (started)
                {
                    for (int k = 0; k < WindowBits; k++)
                    {
                        Multiply(acc, acc, n, nPrime, acc, scratch);
                    }
                }

                if (nibble != 0)
                {
                    Multiply(acc, table[nibble], n, nPrime, acc, scratch);
                    started = true;
                }
            }
        }

        // Out of Montgomery form: multiply by plain 1.
        var one = new ulong[size];
        one[0] = 1;
        Multiply(acc, one, n, nPrime, acc, scratch);
        return FromLimbs(acc);
    }

    /// <summary>-n0⁻¹ mod 2^64 by Newton's iteration (each step doubles the correct low bits).</summary>
    private static ulong NegativeInverse(ulong n0)
    {
        ulong inverse = 1;
        for (int i = 0; i < 6; i++)
        {
            inverse *= 2 - (n0 * inverse);
        }

        return 0 - inverse;
    }

    /// <summary>
    /// result = a·b·R⁻¹ mod n (CIOS). <paramref name="result"/> may alias a or b: the product is
    /// built in <paramref name="t"/> (size+2 limbs) and copied out at the end.
    /// </summary>
    // Runs a few thousand times per check in a process that lives well under a second: tiered
    // JIT would spend most of that in unoptimised tier-0 code, so compile it optimised at once.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Multiply(ulong[] a, ulong[] b, ulong[] n, ulong nPrime, ulong[] result, ulong[] t)
    {
        int size = n.Length;
        Array.Clear(t);
        for (int i = 0; i < size; i++)
        {
            ulong bi = b[i];
            ulong carry = 0;
            for (int j = 0; j < size; j++)
            {
                t[j] = MultiplyAdd(a[j], bi, t[j], carry, out carry);
            }

            ulong sum = t[size] + carry;
            t[size + 1] = sum < carry ? 1UL : 0UL;
            t[size] = sum;

            ulong m = t[0] * nPrime;
            MultiplyAdd(m, n[0], t[0], 0, out carry);
            for (int j = 1; j < size; j++)
            {
                t[j - 1] = MultiplyAdd(m, n[j], t[j], carry, out carry);
            }

            sum = t[size] + carry;
            t[size - 1] = sum;
            t[size] = t[size + 1] + (sum < carry ? 1UL : 0UL);
        }

        if (t[size] != 0 || !LessThan(t, n, size))
        {
            ulong borrow = 0;
            for (int j = 0; j < size; j++)
            {
                ulong d = t[j] - n[j];
                ulong nextBorrow = (t[j] < n[j] ? 1UL : 0UL) | (d < borrow ? 1UL : 0UL);
                t[j] = d - borrow;
                borrow = nextBorrow;
            }
        }

        Array.Copy(t, result, size);
    }

    /// <summary>x·y + add + carryIn as a 128-bit value: returns the low limb, high limb in carryOut.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MultiplyAdd(ulong x, ulong y, ulong add, ulong carryIn, out ulong carryOut)
    {
        ulong high = Math.BigMul(x, y, out ulong low);
        low += add;
        high += low < add ? 1UL : 0UL;
        low += carryIn;
        high += low < carryIn ? 1UL : 0UL;
        carryOut = high;
        return low;
    }

    private static bool LessThan(ulong[] t, ulong[] n, int size)
    {
        for (int j = size - 1; j >= 0; j--)
        {
            if (t[j] != n[j])
            {
                return t[j] < n[j];
            }
        }

        return false;
    }

    private static ulong[] ToLimbs(BigInteger value, int size)
    {
        byte[] bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        var padded = new byte[size * 8];
        bytes.AsSpan(0, Math.Min(bytes.Length, padded.Length)).CopyTo(padded);
        var limbs = new ulong[size];
        for (int i = 0; i < size; i++)
        {
            limbs[i] = BinaryPrimitives.ReadUInt64LittleEndian(padded.AsSpan(i * 8, 8));
        }

        return limbs;
    }

    private static BigInteger FromLimbs(ulong[] limbs)
    {
        var bytes = new byte[limbs.Length * 8];
        for (int i = 0; i < limbs.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8, 8), limbs[i]);
        }

        return new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
    }
}
