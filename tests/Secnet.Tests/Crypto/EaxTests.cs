using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

public class EaxTests
{
    /// <summary>AES-128 ECB from the framework, so the EAX code can be checked against the EAX paper's vectors.</summary>
    private sealed class AesBlockCipher(byte[] key) : IBlockCipher128
    {
        private readonly Aes _aes = CreateAes(key);

        private static Aes CreateAes(byte[] key)
        {
            var aes = Aes.Create();
            aes.Key = key;
            return aes;
        }

        public void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output) =>
            _aes.EncryptEcb(input[..16], output[..16], PaddingMode.None);

        public void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) =>
            _aes.EncryptEcb(input, output[..input.Length], PaddingMode.None);
    }

    public static TheoryData<string> VectorFiles => new() { "eax-aes-test.vectors", "eax-serpent-test.vectors", "eax-serpentbe-test.vectors" };

    private static IBlockCipher128 CipherFor(string file, byte[] key) => file switch
    {
        "eax-aes-test.vectors" => new AesBlockCipher(key),
        "eax-serpent-test.vectors" => new Serpent(key, SerpentByteOrder.Standard),
        _ => new Serpent(key, SerpentByteOrder.Reversed),
    };

    [Theory]
    [MemberData(nameof(VectorFiles))]
    public void SecnetVectorFilesPassIncludingTamperChecks(string file)
    {
        var records = CryptoVectors.ReadRecords(file, "MSG");
        Assert.Equal(10, records.Count);
        foreach (var r in records)
        {
            var msg = r["MSG"];
            var header = r["HEADER"];
            var expected = r["CIPHER"];
            var eax = new Eax(CipherFor(file, r["KEY"]), expected.Length - msg.Length);
            var ct = new byte[msg.Length];
            var tag = new byte[eax.TagLength];
            eax.Encrypt(r["NONCE"], header, msg, ct, tag);
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString([.. ct, .. tag]));

            var pt = new byte[msg.Length];
            Assert.True(eax.Decrypt(r["NONCE"], header, ct, tag, pt));
            Assert.Equal(msg, pt);

            // As secnet's own driver does: flipping bit 0x04 of any ciphertext, tag or header byte must fail.
            var all = expected.ToArray();
            for (int i = 0; i < all.Length; i++)
            {
                all[i] ^= 4;
                Assert.False(eax.Decrypt(r["NONCE"], header, all.AsSpan(0, msg.Length), all.AsSpan(msg.Length), pt));
                all[i] ^= 4;
            }
            for (int i = 0; i < header.Length; i++)
            {
                var h = header.ToArray();
                h[i] ^= 4;
                Assert.False(eax.Decrypt(r["NONCE"], h, ct, tag, pt));
            }
        }
    }

    private static List<Dictionary<string, byte[]>> QuirkPackets()
    {
        var records = CryptoVectors.ReadRecords("eax-ctr-quirk.txt", "UDP");
        return records.Where(r => r.ContainsKey("PLAIN")).ToList();
    }

    private static (byte[] Key, List<Dictionary<string, byte[]>> Packets) QuirkFile()
    {
        var all = CryptoVectors.ReadRecords("eax-ctr-quirk.txt", "UDP");
        var key = all.First(r => r.ContainsKey("SERPENT_KEY"))["SERPENT_KEY"];
        return (key, QuirkPackets());
    }

    [Fact]
    public void RealSecnetPacketsNeedSecnetsCounterStep()
    {
        var (key, packets) = QuirkFile();
        Assert.Equal(3, packets.Count);
        var serpent = new Serpent(key, SerpentByteOrder.Standard);
        var secnet = new Eax(serpent);
        var standard = new Eax(serpent, step: EaxCounterStep.Standard);
        var omac = new Cmac(serpent);
        foreach (var p in packets)
        {
            var udp = p["UDP"];
            var body = udp.AsSpan(12, udp.Length - 12 - 4); // header; ciphertext || tag; seq
            var ct = body[..^16];
            var tag = body[^16..];
            var nprime = new byte[16];
            omac.ComputeTweaked(0, p["NONCE"], nprime);
            Assert.Equal(p["NPRIME"], nprime);

            var plain = new byte[ct.Length];
            Assert.True(secnet.Decrypt(p["NONCE"], default, ct, tag, plain));
            Assert.Equal(p["PLAIN"], plain);

            // Standard CTR authenticates too (the tag is over the ciphertext) but garbles some blocks.
            var wrong = new byte[ct.Length];
            Assert.True(standard.Decrypt(p["NONCE"], default, ct, tag, wrong));
            Assert.NotEqual(p["PLAIN"], wrong);

            // Re-encrypting gives the bytes secnet sent.
            var again = new byte[ct.Length];
            var tagAgain = new byte[16];
            secnet.Encrypt(p["NONCE"], default, p["PLAIN"], again, tagAgain);
            Assert.Equal(ct.ToArray(), again);
            Assert.Equal(tag.ToArray(), tagAgain);
        }
    }

    // crypto.md §2.1 table: counter blocks 0..3 from each start, secnet's step.
    [Theory]
    [InlineData("1234fe", "1234ff", "123400", "123501")]
    [InlineData("123400", "123501", "123502", "123503")]
    [InlineData("120000", "130101", "130102", "130103")]
    public void CounterStepTableFromTheSpec(string b0, string b1, string b2, string b3)
    {
        var counter = new byte[16];
        CryptoVectors.Hex(b0).CopyTo(counter, 13);
        foreach (var expected in new[] { b1, b2, b3 })
        {
            Eax.StepCounter(counter, EaxCounterStep.Secnet);
            Assert.Equal("00000000000000000000000000" + expected, Convert.ToHexStringLower(counter));
        }
    }

    [Fact]
    public void StandardStepCarriesOnWrap()
    {
        var counter = new byte[16];
        counter[14] = 0x12;
        counter[15] = 0xff;
        Eax.StepCounter(counter, EaxCounterStep.Standard);
        Assert.Equal("00000000000000000000000000001300", Convert.ToHexStringLower(counter));
    }

    [Fact]
    public void CtrKeystreamFollowsTheCounterSequence()
    {
        // With the identity as cipher the keystream is the counter sequence itself.
        var eax = new Eax(new IdentityCipher());
        var omac = new Cmac(new IdentityCipher());
        var nonce = new byte[] { 1, 2, 3, 4, 5 };
        var counter = new byte[16];
        omac.ComputeTweaked(0, nonce, counter);
        var zeros = new byte[16 * 20 + 5];
        var ct = new byte[zeros.Length];
        var tag = new byte[16];
        eax.Encrypt(nonce, default, zeros, ct, tag);
        for (int i = 0; i * 16 < ct.Length; i++)
        {
            int n = Math.Min(16, ct.Length - 16 * i);
            Assert.Equal(counter.AsSpan(0, n).ToArray(), ct.AsSpan(16 * i, n).ToArray());
            Eax.StepCounter(counter, EaxCounterStep.Secnet);
        }
    }

    [Fact]
    public void VectorCounterFillEqualsSteppingOneAtATime()
    {
        // Every last-byte value (the fast path's boundaries are 0, 1, 249 and 250), upper bytes random
        // and sometimes all zero or 0xff so carries run far up.
        var rng = new Random(17);
        var wide = new byte[8 * 16];
        foreach (var step in new[] { EaxCounterStep.Secnet, EaxCounterStep.Standard })
        {
            for (int last = 0; last < 256; last++)
            {
                var start = new byte[16];
                int fill = last % 3;
                if (fill == 0)
                    rng.NextBytes(start);
                else
                    Array.Fill(start, fill == 1 ? (byte)0 : (byte)0xff);
                start[15] = (byte)last;
                for (int blocks = 1; blocks <= 8; blocks += 7)
                {
                    var expected = (byte[])start.Clone();
                    var expectedBlocks = new byte[blocks * 16];
                    for (int i = 0; i < blocks; i++)
                    {
                        expected.CopyTo(expectedBlocks, 16 * i);
                        Eax.StepCounter(expected, step);
                    }
                    var counter = (byte[])start.Clone();
                    EaxCounterBlocks.Fill(counter, wide, blocks, step);
                    Assert.Equal(Convert.ToHexString(expectedBlocks), Convert.ToHexString(wide, 0, blocks * 16));
                    Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(counter));
                }
            }
        }
    }

    private sealed class IdentityCipher : IBlockCipher128
    {
        public void EncryptBlock(ReadOnlySpan<byte> input, Span<byte> output) => input[..16].CopyTo(output);
        public void EncryptBlocks(ReadOnlySpan<byte> input, Span<byte> output) => input.CopyTo(output);
    }
}
