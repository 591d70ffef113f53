using Secnet.Log;
using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Tests.Netlink;

public sealed class SlipCodecTests
{
    private readonly BufferPool _pool = new(maxPacket: 2048);
    private readonly List<byte[]> _frames = [];
    private readonly TunDeviceTests.RecordingLog _log = new();

    private SlipDecoder NewDecoder(int maxFrame = 2048) => new(_pool, maxFrame, p =>
    {
        _frames.Add(p.Data.ToArray());
        p.Release();
    }, _log);

    [Fact]
    public void EncodingPutsEndOnBothSidesAndEscapesEndAndEsc()
    {
        byte[] packet = [0x45, 0xC0, 0x01, 0xDB, 0xDC, 0xDD];
        var output = new byte[SlipEncoder.MaxEncodedLength(packet.Length)];
        var n = SlipEncoder.Encode(packet, output);
        Assert.Equal(new byte[] { 0xC0, 0x45, 0xDB, 0xDC, 0x01, 0xDB, 0xDD, 0xDC, 0xDD, 0xC0 }, output[..n]);
    }

    [Fact]
    public void EncodingAnEmptyPacketGivesTwoEnds()
    {
        var output = new byte[2];
        Assert.Equal(2, SlipEncoder.Encode([], output));
        Assert.Equal(new byte[] { 0xC0, 0xC0 }, output);
    }

    [Fact]
    public void RandomPacketsSurviveARoundTripFedOneByteAtATime()
    {
        var random = new Random(1055);
        var sent = new List<byte[]>();
        var stream = new List<byte>();
        for (var i = 0; i < 50; i++)
        {
            var packet = new byte[random.Next(1, 1500)];
            random.NextBytes(packet);
            packet[0] = (byte)(i % 2 == 0 ? 0xC0 : 0xDB);
            sent.Add(packet);
            var encoded = new byte[SlipEncoder.MaxEncodedLength(packet.Length)];
            stream.AddRange(encoded[..SlipEncoder.Encode(packet, encoded)]);
        }
        using var decoder = NewDecoder();
        foreach (var b in stream) decoder.Feed([b]);

        Assert.Equal(sent, _frames);
        Assert.Equal(50, decoder.FramesDecoded);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void FramesSplitAcrossArbitraryChunksAreReassembled()
    {
        byte[] stream = [0xC0, 1, 2, 0xDB, 0xDC, 3, 0xC0, 0xC0, 4, 0xDB, 0xDD, 0xC0];
        using var decoder = NewDecoder();
        decoder.Feed(stream.AsSpan(0, 4));
        decoder.Feed(stream.AsSpan(4, 5));
        decoder.Feed(stream.AsSpan(9));
        Assert.Equal([[1, 2, 0xC0, 3], [4, 0xDB]], _frames);
    }

    [Fact]
    public void BadEscapeDropsTheFrameUpToTheNextEndWithOneWarning()
    {
        byte[] stream = [0xC0, 1, 0xDB, 0x41, 2, 0xDB, 0x42, 3, 0xC0, 9, 0xC0];
        using var decoder = NewDecoder();
        decoder.Feed(stream);
        Assert.Equal([[9]], _frames);
        Assert.Equal(1, decoder.BadEscapes);
        var line = Assert.Single(_log.Lines);
        Assert.Equal((LogClass.Warning, "userv_afterpoll: bad SLIP escape character, dropping packet"), line);
    }

    [Fact]
    public void EscapeFollowedByEndIsABadEscapeAndTheEndIsSwallowed()
    {
        byte[] stream = [0xC0, 1, 0xDB, 0xC0, 2, 0xC0, 7, 0xC0];
        using var decoder = NewDecoder();
        decoder.Feed(stream);
        Assert.Equal([[7]], _frames);
        Assert.Equal(1, decoder.BadEscapes);
    }

    [Fact]
    public void OverlongFrameIsDroppedAndTheNextOneDelivered()
    {
        var stream = new List<byte> { 0xC0 };
        stream.AddRange(Enumerable.Repeat((byte)0x11, 101));
        stream.AddRange(new byte[] { 0xC0, 0x22, 0xC0 });
        using var decoder = NewDecoder(maxFrame: 100);
        decoder.Feed(stream.ToArray());
        Assert.Equal([[0x22]], _frames);
        Assert.Equal(1, decoder.OverlongFrames);
        Assert.Equal("userv_afterpoll: dropping overlong SLIP packet", Assert.Single(_log.Lines).Message);
    }

    [Fact]
    public void FrameOfExactlyTheMaximumIsAccepted()
    {
        var stream = new List<byte> { 0xC0 };
        stream.AddRange(Enumerable.Repeat((byte)0x11, 100));
        stream.Add(0xC0);
        using var decoder = NewDecoder(maxFrame: 100);
        decoder.Feed(stream.ToArray());
        Assert.Equal(100, Assert.Single(_frames).Length);
    }

    [Fact]
    public void EmptyFramesAreIgnored()
    {
        using var decoder = NewDecoder();
        decoder.Feed([0xC0, 0xC0, 0xC0, 5, 0xC0, 0xC0]);
        Assert.Equal([[5]], _frames);
        Assert.Equal(1, decoder.FramesDecoded);
    }

    [Fact]
    public void LineNoiseBeforeTheFirstEndIsDeliveredAsAFrameForTheRouterToReject()
    {
        using var decoder = NewDecoder();
        decoder.Feed([0x61, 0x62, 0xC0, 0xC0, 5, 0xC0]);
        Assert.Equal([[0x61, 0x62], [5]], _frames);
    }
}
