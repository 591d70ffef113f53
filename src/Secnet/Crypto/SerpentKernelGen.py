#!/usr/bin/env python3
"""Writes SerpentKernels.cs: the 32 Serpent rounds as straight-line code for one block (uint),
4 blocks (Vector128<uint>) and 8 blocks (Vector256<uint>), all from the same circuits, so the three
paths cannot drift apart. Generated rather than generic because the JIT stops inlining small
operator methods once a method this large exhausts its inlining budget.

S-boxes are table-free bitsliced Boolean circuits derived mechanically from the S-box tables of the
Serpent specification: each output bit is the algebraic normal form (XOR of AND-products of the
inputs); the products are shared, and XOR terms common to several outputs are factored out greedily
(Paar's heuristic). In the round kernels each S-box works on complemented inputs and leaves
its outputs' complements out, whichever is cheapest; the complements are constants that the key
schedule folds into the subkeys (SerpentRounds), so they cost nothing. Unit tests check every S-box
against its table.

Usage: python3 SerpentKernelGen.py > SerpentKernels.cs
"""

SBOX = [
    [3, 8, 15, 1, 10, 6, 5, 11, 14, 13, 4, 2, 7, 0, 9, 12],
    [15, 12, 2, 7, 9, 0, 5, 10, 1, 11, 14, 8, 6, 13, 3, 4],
    [8, 6, 7, 9, 3, 12, 10, 15, 13, 1, 14, 4, 0, 11, 5, 2],
    [0, 15, 11, 8, 12, 9, 6, 3, 13, 1, 2, 4, 10, 7, 5, 14],
    [1, 15, 8, 3, 12, 0, 11, 6, 2, 5, 4, 10, 9, 14, 7, 13],
    [15, 5, 2, 11, 4, 10, 9, 12, 0, 3, 14, 8, 13, 6, 7, 1],
    [7, 2, 12, 5, 8, 4, 6, 11, 14, 9, 1, 15, 13, 3, 10, 0],
    [1, 13, 15, 0, 14, 8, 2, 11, 7, 4, 12, 10, 9, 3, 5, 6],
]


def inverse(box):
    inv = [0] * 16
    for x, y in enumerate(box):
        inv[y] = x
    return inv


def anf(truth):
    a = list(truth)
    for i in range(4):
        for m in range(16):
            if m & (1 << i):
                a[m] ^= a[m ^ (1 << i)]
    return a


def circuit(box, prefix, keep_not=True):
    """Returns (statements, output expressions, complement mask); statements assign fresh temporaries.
    Without keep_not the constant terms are left out and reported in the mask instead."""
    coeffs = [anf([(box[x] >> k) & 1 for x in range(16)]) for k in range(4)]
    stmts = []
    names = {1 << i: 'x%d' % i for i in range(4)}
    needed = set()
    for c in coeffs:
        needed |= {m for m in range(16) if c[m] and bin(m).count('1') >= 2}
    closure = set(needed)
    for m in sorted(needed, key=lambda m: -bin(m).count('1')):
        while bin(m).count('1') > 2:
            top = max(i for i in range(4) if m & (1 << i))
            m ^= 1 << top
            closure.add(m)
    for m in sorted(closure, key=lambda m: (bin(m).count('1'), m)):
        top = max(i for i in range(4) if m & (1 << i))
        rest = m ^ (1 << top)
        n = '%sa%s' % (prefix, ''.join(str(i) for i in range(4) if m & (1 << i)))
        stmts.append((n, '%s & %s' % (names[rest], names[1 << top])))
        names[m] = n
    # XOR networks: each output is a set of signal names; factor common pairs greedily.
    sets = [set(names[m] for m in range(1, 16) if c[m]) for c in coeffs]
    counter = 0
    while True:
        best, best_count = None, 1
        signals = sorted(set().union(*sets))
        for i, a in enumerate(signals):
            for b in signals[i + 1:]:
                cnt = sum(1 for s in sets if a in s and b in s)
                if cnt > best_count:
                    best, best_count = (a, b), cnt
        if best is None:
            break
        n = '%sx%d' % (prefix, counter)
        counter += 1
        stmts.append((n, '%s ^ %s' % best))
        for s in sets:
            if best[0] in s and best[1] in s:
                s -= set(best)
                s.add(n)
    outs = []
    complement = 0
    for k, s in enumerate(sets):
        e = ' ^ '.join(sorted(s))
        if coeffs[k][0]:
            if keep_not:
                e = '~(%s)' % e
            else:
                complement |= 1 << k
        outs.append(e)
    return stmts, outs, complement


def cost(box):
    stmts, outs, _ = circuit(box, 'p', keep_not=False)
    return len(stmts) + sum(e.count('^') for e in outs)


def masked(box):
    """The cheapest input complement m: S(x) = S'(x ^ m) ^ c with S' free of NOTs. Complementing
    inputs and outputs costs nothing at run time because both are folded into the subkeys."""
    best = min(range(16), key=lambda m: (cost([box[x ^ m] for x in range(16)]), m))
    shifted = [box[x ^ best] for x in range(16)]
    return shifted, best, circuit(shifted, 'p', keep_not=False)[2]


TYPES = {
    'uint': ('uint', 'BitOperations.RotateLeft({x}, {n})', '({x} << {n})', 'k'),
    'v128': ('Vector128<uint>', '(({x} << {n}) | ({x} >>> {m}))', '({x} << {n})', 'Vector128.Create(k)'),
    'v256': ('Vector256<uint>', '(({x} << {n}) | ({x} >>> {m}))', '({x} << {n})', 'Vector256.Create(k)'),
}


def rol(t, x, n):
    return TYPES[t][1].format(x=x, n=n, m=32 - n)


def shl(t, x, n):
    return TYPES[t][2].format(x=x, n=n)


def key(t, idx):
    expr = 'Unsafe.Add(ref k, %s)' % idx
    return expr if t == 'uint' else TYPES[t][3].replace('k', expr)


def sbox_lines(t, box, prefix, indent, keep_not=False):
    stmts, outs, _ = circuit(box, prefix, keep_not)
    lines = ['%svar %s = %s;' % (indent, n, e) for n, e in stmts]
    lines += ['%svar %sy%d = %s;' % (indent, prefix, i, e) for i, e in enumerate(outs)]
    lines.append('%sx0 = %sy0; x1 = %sy1; x2 = %sy2; x3 = %sy3;' % ((indent,) + (prefix,) * 4))
    return lines


def mix(t, offset, indent):
    return ['%sx%d ^= %s;' % (indent, i, key(t, '%s + %d' % (offset, i))) for i in range(4)]


def linear(t, indent):
    i = indent
    return [
        i + 'x0 = %s;' % rol(t, 'x0', 13),
        i + 'x2 = %s;' % rol(t, 'x2', 3),
        i + 'x1 = x1 ^ x0 ^ x2;',
        i + 'x3 = x3 ^ x2 ^ %s;' % shl(t, 'x0', 3),
        i + 'x1 = %s;' % rol(t, 'x1', 1),
        i + 'x3 = %s;' % rol(t, 'x3', 7),
        i + 'x0 = x0 ^ x1 ^ x3;',
        i + 'x2 = x2 ^ x3 ^ %s;' % shl(t, 'x1', 7),
        i + 'x0 = %s;' % rol(t, 'x0', 5),
        i + 'x2 = %s;' % rol(t, 'x2', 22),
    ]


def inverse_linear(t, indent):
    i = indent
    return [
        i + 'x2 = %s;' % rol(t, 'x2', 10),
        i + 'x0 = %s;' % rol(t, 'x0', 27),
        i + 'x2 = x2 ^ x3 ^ %s;' % shl(t, 'x1', 7),
        i + 'x0 = x0 ^ x1 ^ x3;',
        i + 'x3 = %s;' % rol(t, 'x3', 25),
        i + 'x1 = %s;' % rol(t, 'x1', 31),
        i + 'x3 = x3 ^ x2 ^ %s;' % shl(t, 'x0', 3),
        i + 'x1 = x1 ^ x0 ^ x2;',
        i + 'x2 = %s;' % rol(t, 'x2', 29),
        i + 'x0 = %s;' % rol(t, 'x0', 19),
    ]


def encrypt(t):
    ty = TYPES[t][0]
    out = ['    /// <summary>Encrypts in place; <paramref name="k"/> is the first of the 132 encryption subkey words.</summary>',
           '    public static void Encrypt(ref %s b0, ref %s b1, ref %s b2, ref %s b3, ref uint k)' % ((ty,) * 4),
           '    {',
           '        var x0 = b0; var x1 = b1; var x2 = b2; var x3 = b3;',
           '        for (int r = 0; r < 128; r += 32)',
           '        {']
    ind = ' ' * 12
    for s in range(8):
        out += mix(t, 'r + %d' % (4 * s), ind)
        out += ['%s{' % ind]
        out += sbox_lines(t, masked(SBOX[s])[0], 's', ind + '    ')
        out += ['%s}' % ind]
        if s < 7:
            out += linear(t, ind)
    out += ['            if (r == 96)', '                break;']
    out += linear(t, ind)
    out += ['        }']
    out += mix(t, '128', '        ')
    out += ['        b0 = x0; b1 = x1; b2 = x2; b3 = x3;', '    }']
    return out


def decrypt(t):
    ty = TYPES[t][0]
    out = ['    /// <summary>Decrypts in place; <paramref name="k"/> is the first of the 132 decryption subkey words.</summary>',
           '    public static void Decrypt(ref %s b0, ref %s b1, ref %s b2, ref %s b3, ref uint k)' % ((ty,) * 4),
           '    {',
           '        var x0 = b0; var x1 = b1; var x2 = b2; var x3 = b3;']
    out += mix(t, '128', '        ')
    out += ['        for (int r = 96; r >= 0; r -= 32)', '        {']
    ind = ' ' * 12
    out += ['            if (r != 96)', '            {']
    out += inverse_linear(t, ind + '    ')
    out += ['            }']
    for s in range(7, -1, -1):
        out += ['%s{' % ind]
        out += sbox_lines(t, masked(inverse(SBOX[s]))[0], 'i', ind + '    ')
        out += ['%s}' % ind]
        out += mix(t, 'r + %d' % (4 * s), ind)
        if s > 0:
            out += inverse_linear(t, ind)
    out += ['        }', '        b0 = x0; b1 = x1; b2 = x2; b3 = x3;', '    }']
    return out


def single_sbox():
    out = ['    /// <summary>One S-box (or its inverse) on four words: key schedule and tests.</summary>',
           '    public static void SBox(int box, bool inverse, ref uint x0, ref uint x1, ref uint x2, ref uint x3)',
           '    {',
           '        switch (box + (inverse ? 8 : 0))',
           '        {']
    for b in range(16):
        tbl = SBOX[b] if b < 8 else inverse(SBOX[b - 8])
        out.append('            case %d:' % b)
        out.append('            {')
        out += sbox_lines('uint', tbl, 'q', ' ' * 16, keep_not=True)
        out.append('                break;')
        out.append('            }')
    out += ['            default:', '                throw new ArgumentOutOfRangeException(nameof(box));', '        }', '    }']
    return out


def mask_tables():
    enc = [masked(SBOX[i]) for i in range(8)]
    dec = [masked(inverse(SBOX[i])) for i in range(8)]
    out = ['    /// <summary>Per S-box: input complement (bit i = word i) the round kernels expect.</summary>',
           '    public static ReadOnlySpan<byte> EncryptInputMasks => [%s];' % ', '.join(str(e[1]) for e in enc),
           '',
           '    /// <summary>Per S-box: output complement the round kernels leave out.</summary>',
           '    public static ReadOnlySpan<byte> EncryptOutputMasks => [%s];' % ', '.join(str(e[2]) for e in enc),
           '',
           '    /// <summary>Per inverse S-box: input complement the round kernels expect.</summary>',
           '    public static ReadOnlySpan<byte> DecryptInputMasks => [%s];' % ', '.join(str(e[1]) for e in dec),
           '',
           '    /// <summary>Per inverse S-box: output complement the round kernels leave out.</summary>',
           '    public static ReadOnlySpan<byte> DecryptOutputMasks => [%s];' % ', '.join(str(e[2]) for e in dec)]
    return out


def main():
    lines = ['// <auto-generated> by SerpentKernelGen.py from the Serpent specification\'s tables; do not edit. </auto-generated>',
             'using System.Numerics;',
             'using System.Runtime.CompilerServices;',
             'using System.Runtime.Intrinsics;',
             '',
             'namespace Secnet.Crypto;',
             '',
             '/// <summary>Serpent rounds for 1, 4 and 8 blocks (one per 32-bit lane); word x0 holds bit 0 of each S-box nibble.</summary>',
             'internal static class SerpentKernels',
             '{']
    parts = [mask_tables(), single_sbox()]
    for t in ('uint', 'v128', 'v256'):
        parts.append(encrypt(t))
        parts.append(decrypt(t))
    for i, p in enumerate(parts):
        if i:
            lines.append('')
        lines += p
    lines.append('}')
    print('\n'.join(lines))


main()
