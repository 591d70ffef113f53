using Secnet.Keys;

namespace Secnet.Tests.Keys;

public class KeySetSerialTests
{
    [Theory]
    [InlineData(3u, 2u, true)]
    [InlineData(2u, 3u, false)]
    [InlineData(2u, 2u, false)]
    // Sequence arithmetic: 00000001 follows ffffffff.
    [InlineData(1u, 0xffffffffu, true)]
    [InlineData(0xffffffffu, 1u, false)]
    [InlineData(0x80000001u, 1u, false)]
    [InlineData(0x80000000u, 1u, true)]
    // 00000000 is older than everything, whatever the arithmetic says.
    [InlineData(0x90000000u, 0u, true)]
    [InlineData(0u, 0x90000000u, false)]
    [InlineData(0u, 5u, false)]
    [InlineData(0u, 0u, false)]
    public void NewerBySequenceArithmeticWithZeroOldest(uint candidate, uint live, bool newer) =>
        Assert.Equal(newer, KeySetSerial.IsNewer(candidate, live));

    [Fact]
    public void AnySetIsNewerThanNoLiveFile()
    {
        Assert.True(KeySetSerial.IsNewer(0, null));
        Assert.True(KeySetSerial.IsNewer(7, null));
    }
}
