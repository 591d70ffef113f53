using Secnet.Crypto;

namespace Secnet.Tests.Crypto;

public class SerpentLaneChainsTests
{
    /// <summary>Eight CBC encryptions of random, different lengths (some lanes unused, some with an extra
    /// last block) run side by side must equal the same chains run block by block with the scalar cipher.</summary>
    [Theory]
    [InlineData(SerpentByteOrder.Standard)]
    [InlineData(SerpentByteOrder.Reversed)]
    public void LanesEqualScalarChains(SerpentByteOrder order)
    {
        var rng = new Random(23 + (int)order);
        for (int round = 0; round < 20; round++)
        {
            var key = new byte[32];
            rng.NextBytes(key);
            using var serpent = new Serpent(key, order);
            var states = new byte[128];
            var extras = new byte[128];
            rng.NextBytes(states);
            rng.NextBytes(extras);
            var arrays = new byte[8][];
            var blocks = new int[8];
            var used = new bool[8];
            var withExtra = new bool[8];
            var chains = new SerpentLaneChains(states, extras);
            var expectedStates = (byte[])states.Clone();
            var expectedArrays = new byte[8][];
            for (int lane = 0; lane < 8; lane++)
            {
                used[lane] = rng.Next(4) != 0;
                blocks[lane] = rng.Next(0, 12);
                withExtra[lane] = rng.Next(2) == 0;
                arrays[lane] = new byte[16 * blocks[lane] + 7];
                rng.NextBytes(arrays[lane]);
                expectedArrays[lane] = (byte[])arrays[lane].Clone();
                if (used[lane])
                    chains.SetLane(lane, arrays[lane], 7, blocks[lane], withExtra[lane]);
            }
            chains.Run(serpent, writeBack: true);

            for (int lane = 0; lane < 8; lane++)
            {
                if (!used[lane])
                    continue;
                var state = expectedStates.AsSpan(16 * lane, 16);
                for (int k = 0; k < blocks[lane]; k++)
                {
                    var b = expectedArrays[lane].AsSpan(7 + 16 * k, 16);
                    for (int j = 0; j < 16; j++)
                        state[j] ^= b[j];
                    serpent.EncryptBlock(state, state);
                    state.CopyTo(b);
                }
                if (withExtra[lane])
                {
                    for (int j = 0; j < 16; j++)
                        state[j] ^= extras[16 * lane + j];
                    serpent.EncryptBlock(state, state);
                }
                Assert.Equal(Convert.ToHexString(expectedArrays[lane]), Convert.ToHexString(arrays[lane]));
            }
            Assert.Equal(Convert.ToHexString(expectedStates), Convert.ToHexString(states));
        }
    }
}
