using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

public class SerpentTests
{
    private const string SelfTestKey = "00112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100";

    // crypto.md §1.5 (serpent_ref.py; NESSIE; secnet's serpentbe self-test).
    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000", "00000000000000000000000000000000", "49672ba898d98df95019180445491089", "8910494504181950f98dd998a82b6749")]
    [InlineData(SelfTestKey, "0123456789abcdeffedcba9876543210", "55dc179eadb0f657097106d4145ccbbf", "ca7fa193e3eb9e99bd87e3af3c9adf93")]
    [InlineData("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "101112131415161718191a1b1c1d1e1f", "e534b936d9df2fc053bee5ed268fc68c", "dbb6d25d70ecfe5c96d1600c16008ec1")]
    public void SpecTableVectorsBothByteOrders(string key, string plain, string standard, string reversed)
    {
        Check(key, plain, standard, SerpentByteOrder.Standard);
        Check(key, plain, reversed, SerpentByteOrder.Reversed);
    }

    [Theory]
    [InlineData("8000000000000000000000000000000000000000000000000000000000000000", "a223aa1288463c0e2be38ebd825616c0")]
    [InlineData("80000000000000000000000000000000", "264e5481eff42a4606abda06c0bfda3d")]
    [InlineData("40000000000000000000000000000000", "4a231b3bc727993407ac6ec8350e8524")]
    public void NessieStandardVectors(string key, string cipher) =>
        Check(key, "00000000000000000000000000000000", cipher, SerpentByteOrder.Standard);

    private static void Check(string keyHex, string plainHex, string cipherHex, SerpentByteOrder order)
    {
        using var s = new Serpent(Convert.FromHexString(keyHex), order);
        var plain = Convert.FromHexString(plainHex);
        var block = new byte[16];
        s.EncryptBlock(plain, block);
        Assert.Equal(cipherHex, Convert.ToHexStringLower(block));
        s.DecryptBlock(block, block);
        Assert.Equal(plainHex, Convert.ToHexStringLower(block));
    }

    [Fact]
    public void SBoxCircuitsMatchTheSpecificationTables()
    {
        int[][] boxes =
        [
            [3, 8, 15, 1, 10, 6, 5, 11, 14, 13, 4, 2, 7, 0, 9, 12],
            [15, 12, 2, 7, 9, 0, 5, 10, 1, 11, 14, 8, 6, 13, 3, 4],
            [8, 6, 7, 9, 3, 12, 10, 15, 13, 1, 14, 4, 0, 11, 5, 2],
            [0, 15, 11, 8, 12, 9, 6, 3, 13, 1, 2, 4, 10, 7, 5, 14],
            [1, 15, 8, 3, 12, 0, 11, 6, 2, 5, 4, 10, 9, 14, 7, 13],
            [15, 5, 2, 11, 4, 10, 9, 12, 0, 3, 14, 8, 13, 6, 7, 1],
            [7, 2, 12, 5, 8, 4, 6, 11, 14, 9, 1, 15, 13, 3, 10, 0],
            [1, 13, 15, 0, 14, 8, 2, 11, 7, 4, 12, 10, 9, 3, 5, 6],
        ];
        // Bit j of word i is bit i of input nibble j, so one call evaluates all 16 inputs.
        uint[] inputs = new uint[4];
        for (int v = 0; v < 16; v++)
            for (int i = 0; i < 4; i++)
                inputs[i] |= (uint)((v >> i) & 1) << v;
        for (int box = 0; box < 8; box++)
        {
            var f = SBox(box, inverse: false, inputs);
            var g = SBox(box, inverse: true, f);
            for (int v = 0; v < 16; v++)
            {
                int y = 0;
                for (int i = 0; i < 4; i++)
                    y |= (int)((f[i] >> v) & 1) << i;
                Assert.Equal(boxes[box][v], y);
            }
            Assert.Equal(inputs.Select(x => x & 0xffff), g.Select(x => x & 0xffff));
        }
    }

    private static uint[] SBox(int box, bool inverse, uint[] x)
    {
        uint a = x[0], b = x[1], c = x[2], d = x[3];
        SerpentKernels.SBox(box, inverse, ref a, ref b, ref c, ref d);
        return [a, b, c, d];
    }

    // Guards against a BouncyCastle release that swaps the meaning of its two engines (crypto.md §1.4).
    [Fact]
    public void BouncyCastleEnginesHaveTheExpectedByteOrders()
    {
        var key = Convert.FromHexString(SelfTestKey);
        var plain = Convert.FromHexString("0123456789abcdeffedcba9876543210");
        var output = new byte[16];
        var tnepres = new TnepresEngine();
        tnepres.Init(true, new KeyParameter(key));
        tnepres.ProcessBlock(plain, 0, output, 0);
        Assert.Equal("ca7fa193e3eb9e99bd87e3af3c9adf93", Convert.ToHexStringLower(output));
        var serpent = new SerpentEngine();
        serpent.Init(true, new KeyParameter(key));
        serpent.ProcessBlock(plain, 0, output, 0);
        Assert.Equal("55dc179eadb0f657097106d4145ccbbf", Convert.ToHexStringLower(output));
    }

    [Theory]
    [InlineData(SerpentByteOrder.Standard)]
    [InlineData(SerpentByteOrder.Reversed)]
    public void RandomBlocksAgreeWithBouncyCastle(SerpentByteOrder order)
    {
        var rng = new Random(1234 + (int)order);
        var key = new byte[32];
        var block = new byte[16];
        var ours = new byte[16];
        var theirs = new byte[16];
        for (int i = 0; i < 2000; i++)
        {
            int keyLength = 4 * rng.Next(4, 9); // BouncyCastle insists on multiples of 4
            rng.NextBytes(key);
            rng.NextBytes(block);
            var k = key.AsSpan(0, keyLength).ToArray();
            using var s = new Serpent(k, order);
            Org.BouncyCastle.Crypto.IBlockCipher bc = order == SerpentByteOrder.Standard ? new SerpentEngine() : new TnepresEngine();
            bc.Init(true, new KeyParameter(k));
            s.EncryptBlock(block, ours);
            bc.ProcessBlock(block, 0, theirs, 0);
            Assert.Equal(theirs, ours);
            bc.Init(false, new KeyParameter(k));
            s.DecryptBlock(block, ours);
            bc.ProcessBlock(block, 0, theirs, 0);
            Assert.Equal(theirs, ours);
        }
    }

    [Theory]
    [InlineData(SerpentByteOrder.Standard)]
    [InlineData(SerpentByteOrder.Reversed)]
    public void SimdPathsEqualScalar(SerpentByteOrder order)
    {
        var rng = new Random(99 + (int)order);
        var key = new byte[32];
        for (int round = 0; round < 200; round++)
        {
            rng.NextBytes(key);
            using var s = new Serpent(key, order);
            int blocks = rng.Next(0, 40);
            var input = new byte[blocks * 16];
            rng.NextBytes(input);
            var scalar = new byte[input.Length];
            var multi = new byte[input.Length];
            foreach (bool encrypt in new[] { true, false })
            {
                s.BlocksScalar(input, scalar, encrypt);
                if (encrypt) s.EncryptBlocks(input, multi); else s.DecryptBlocks(input, multi);
                Assert.Equal(scalar, multi);
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported)
                {
                    Array.Clear(multi);
                    int n = SerpentSimd.Blocks8(encrypt ? s.EncryptKeys : s.DecryptKeys, order, input, multi, encrypt);
                    Assert.Equal(scalar.AsSpan(0, n).ToArray(), multi.AsSpan(0, n).ToArray());
                }
                if (System.Runtime.Intrinsics.X86.Ssse3.IsSupported)
                {
                    Array.Clear(multi);
                    int n = SerpentSimd.Blocks4(encrypt ? s.EncryptKeys : s.DecryptKeys, order, input, multi, encrypt);
                    Assert.Equal(scalar.AsSpan(0, n).ToArray(), multi.AsSpan(0, n).ToArray());
                }
            }
            // In place gives the same answer as out of place.
            var copy = (byte[])input.Clone();
            s.EncryptBlocks(copy, copy);
            s.BlocksScalar(input, scalar, true);
            Assert.Equal(scalar, copy);
        }
    }

    [Fact]
    public void EveryKernelTheCpuHasGivesTheScalarAnswer()
    {
        for (var kernel = SerpentKernelKind.Scalar; kernel <= SerpentKernel.Best; kernel++)
            KernelGivesTheScalarAnswer(kernel);
    }

    private static void KernelGivesTheScalarAnswer(SerpentKernelKind kernel)
    {
        var rng = new Random(7 + (int)kernel);
        var key = new byte[32];
        rng.NextBytes(key);
        using var s = new Serpent(key, SerpentByteOrder.Standard);
        var input = new byte[37 * 16]; // 4 passes of 8, 1 of 4, 1 scalar block
        rng.NextBytes(input);
        var expected = new byte[input.Length];
        var got = new byte[input.Length];
        foreach (bool encrypt in new[] { true, false })
        {
            s.BlocksScalar(input, expected, encrypt);
            s.Blocks(input, got, encrypt, kernel);
            Assert.Equal(expected, got);
        }
    }

    [Theory]
    [InlineData(null, SerpentKernelKind.Avx2, SerpentKernelKind.Avx2)]
    [InlineData("sse", SerpentKernelKind.Avx2, SerpentKernelKind.Sse)]
    [InlineData(" SCALAR ", SerpentKernelKind.Avx2, SerpentKernelKind.Scalar)]
    [InlineData("avx2", SerpentKernelKind.Sse, SerpentKernelKind.Sse)] // never above what the CPU has
    [InlineData("avx512", SerpentKernelKind.Avx2, SerpentKernelKind.Avx2)] // unknown: the best
    public void TheEnvironmentCanOnlyLowerTheKernel(string? forced, SerpentKernelKind best, SerpentKernelKind expected) =>
        Assert.Equal(expected, SerpentKernel.Choose(forced, best));

    [Fact]
    public void EncryptLanesIsEightIndependentBlocks()
    {
        var rng = new Random(5);
        var key = new byte[32];
        rng.NextBytes(key);
        using var s = new Serpent(key, SerpentByteOrder.Standard);
        var input = new byte[128];
        rng.NextBytes(input);
        var lanes = new byte[128];
        s.EncryptLanes(input, lanes);
        var one = new byte[16];
        for (int i = 0; i < 8; i++)
        {
            s.EncryptBlock(input.AsSpan(16 * i, 16), one);
            Assert.Equal(one, lanes.AsSpan(16 * i, 16).ToArray());
        }
    }
}
