using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;
using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

public class CmacTests
{
    [Fact]
    public void CmacAgreesWithBouncyCastleOnRandomMessages()
    {
        var rng = new Random(42);
        var key = new byte[32];
        var ours = new byte[16];
        var theirs = new byte[16];
        for (int i = 0; i < 1500; i++)
        {
            rng.NextBytes(key);
            var message = new byte[rng.Next(0, 100)];
            rng.NextBytes(message);
            using var serpent = new Serpent(key, SerpentByteOrder.Standard);
            using var cmac = new Cmac(serpent);
            cmac.Compute(message, ours);
            var bc = new CMac(new SerpentEngine());
            bc.Init(new KeyParameter(key));
            bc.BlockUpdate(message, 0, message.Length);
            bc.DoFinal(theirs, 0);
            Assert.Equal(theirs, ours);
        }
    }

    [Fact]
    public void TweakedOmacIsCmacOfTweakBlockThenMessage()
    {
        var rng = new Random(7);
        var key = new byte[32];
        rng.NextBytes(key);
        using var serpent = new Serpent(key, SerpentByteOrder.Reversed);
        using var cmac = new Cmac(serpent);
        var tweaked = new byte[16];
        var plain = new byte[16];
        for (int len = 0; len < 50; len++)
        {
            var message = new byte[len];
            rng.NextBytes(message);
            for (int t = 0; t < 3; t++)
            {
                var prefixed = new byte[16 + len];
                prefixed[15] = (byte)t;
                message.CopyTo(prefixed, 16);
                cmac.ComputeTweaked(t, message, tweaked);
                cmac.Compute(prefixed, plain);
                Assert.Equal(plain, tweaked);
            }
        }
    }

    [Fact]
    public void DoublingMatchesTheFieldDefinition()
    {
        var x = Convert.FromHexString("80000000000000000000000000000001");
        var y = new byte[16];
        Cmac.Double(x, y);
        Assert.Equal("00000000000000000000000000000085", Convert.ToHexStringLower(y));
        x = Convert.FromHexString("40000000000000000000000000000001");
        Cmac.Double(x, y);
        Assert.Equal("80000000000000000000000000000002", Convert.ToHexStringLower(y));
    }

    /// <summary>EAX vs BouncyCastle's standard EAX: identical whenever no counter byte passes 0x00 or 0xff.</summary>
    [Theory]
    [InlineData(SerpentByteOrder.Standard)]
    [InlineData(SerpentByteOrder.Reversed)]
    public void EaxAgreesWithBouncyCastleWhereTheCounterStepsCoincide(SerpentByteOrder order)
    {
        var rng = new Random(2024 + (int)order);
        var key = new byte[32];
        int compared = 0;
        for (int i = 0; i < 1500; i++)
        {
            rng.NextBytes(key);
            using var serpent = new Serpent(key, order);
            using var cmac = new Cmac(serpent);
            var nonce = new byte[rng.Next(0, 20)];
            var header = new byte[rng.Next(0, 40)];
            var msg = new byte[rng.Next(0, 200)];
            rng.NextBytes(nonce);
            rng.NextBytes(header);
            rng.NextBytes(msg);
            var counter = new byte[16];
            cmac.ComputeTweaked(0, nonce, counter);
            if (!CounterAvoidsQuirk(counter, (msg.Length + 15) / 16))
                continue;
            compared++;
            int tagLength = rng.Next(4, 17); // BouncyCastle accepts 32..128-bit tags
            var eax = new Eax(serpent, tagLength);
            var ct = new byte[msg.Length];
            var tag = new byte[tagLength];
            eax.Encrypt(nonce, header, msg, ct, tag);

            var bc = new EaxBlockCipher(order == SerpentByteOrder.Standard ? new SerpentEngine() : new TnepresEngine());
            bc.Init(true, new AeadParameters(new KeyParameter(key), tagLength * 8, nonce, header));
            var bcOut = new byte[bc.GetOutputSize(msg.Length)];
            int len = bc.ProcessBytes(msg, 0, msg.Length, bcOut, 0);
            bc.DoFinal(bcOut, len);
            Assert.Equal(bcOut, ct.Concat(tag).ToArray());

            bc.Init(false, new AeadParameters(new KeyParameter(key), tagLength * 8, nonce, header));
            var bcPlain = new byte[bc.GetOutputSize(bcOut.Length)];
            len = bc.ProcessBytes(bcOut, 0, bcOut.Length, bcPlain, 0);
            bc.DoFinal(bcPlain, len);
            var ours = new byte[msg.Length];
            Assert.True(eax.Decrypt(nonce, header, ct, tag, ours));
            Assert.Equal(bcPlain, ours);
            Assert.Equal(msg, ours);
        }
        Assert.True(compared > 1000, $"only {compared} cases compared");
    }

    /// <summary>True if neither step ever increments a 0x00 or 0xff byte over <paramref name="blocks"/> blocks.</summary>
    private static bool CounterAvoidsQuirk(byte[] counter, int blocks)
    {
        var c = counter.ToArray();
        for (int i = 1; i < blocks; i++)
        {
            if (c[15] is 0x00 or 0xff)
                return false;
            c[15]++;
        }
        return true;
    }
}
