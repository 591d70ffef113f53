using Secnet.Transforms;

namespace Secnet.Tests.Transforms;

/// <summary>Both transforms count the sequence numbers (nonces, IVs) a key has handed out, from
/// wherever the key material started them, across the 2^32 wrap: the site's
/// <see cref="SequenceBudget"/> depends on it.</summary>
public sealed class SequencesUsedTests
{
    [Theory]
    [InlineData("eax-serpent")]
    [InlineData("serpent256-cbc")]
    public void CountsEverySequenceHandedOut(string name)
    {
        ITransform t = name == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions())
            : new Serpent256CbcTransform(new Serpent256CbcOptions());
        var key = new byte[t.KeyLength == 0 ? 256 : t.KeyLength];
        for (int b = 0; b < key.Length; b++) key[b] = (byte)(0xf0 + b);
        using var i = t.CreateInstance();
        i.SetKey(key, direction: true);
        Assert.Equal(0u, i.SequencesUsed);

        uint first = i.NextSendSequence();
        for (int n = 1; n < 1000; n++) Assert.Equal(unchecked(first + (uint)n), i.NextSendSequence());

        Assert.Equal(1000u, i.SequencesUsed);
    }
}
