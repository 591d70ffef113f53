using Secnet.Netlink;
using Secnet.Packets;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The userv-ipif SLIP decoder. Input: max frame (1 byte, +16), chunking seed (1 byte), then a
/// byte stream. Fed in chunks, the decoder must yield the frames of a plain model of RFC 1055
/// with secnet's drop rules (bad escape or overlong drops the frame up to the next END), the same
/// however the stream is chunked; and decode(encode(x)) == x for every non-empty frame x that
/// fits, with any frame boundaries.
/// </summary>
internal sealed class SlipTarget : IFuzzTarget
{
    private readonly BufferPool _pool = new();

    public string Name => "slip";

    public void Run(ReadOnlySpan<byte> input)
    {
        var r = new FuzzInput(input);
        int maxFrame = r.U8() + 16;
        int chunking = r.U8();
        var stream = r.Rest();

        var decoded = Decode(stream, maxFrame, chunking);
        var expected = Model(stream, maxFrame);
        FuzzInvariantException.Check(decoded.Count == expected.Count, $"frame count {decoded.Count}, model {expected.Count}");
        for (int i = 0; i < decoded.Count; i++)
            FuzzInvariantException.Check(decoded[i].AsSpan().SequenceEqual(expected[i]), $"frame {i} differs from the model");

        // Round trip: the stream cut at every 0x00 gives frames to encode.
        var frames = new List<byte[]>();
        foreach (var range in stream.Split((byte)0))
        {
            var f = stream[range];
            if (f.Length > 0 && f.Length <= maxFrame) frames.Add(f.ToArray());
        }
        var encoded = new List<byte>();
        var scratch = new byte[SlipEncoder.MaxEncodedLength(maxFrame)];
        foreach (var f in frames)
        {
            int n = SlipEncoder.Encode(f, scratch);
            encoded.AddRange(scratch.AsSpan(0, n));
        }
        var again = Decode(encoded.ToArray(), maxFrame, chunking);
        FuzzInvariantException.Check(again.Count == frames.Count, "decode(encode(x)) frame count");
        for (int i = 0; i < frames.Count; i++)
            FuzzInvariantException.Check(again[i].AsSpan().SequenceEqual(frames[i]), "decode(encode(x)) == x");
    }

    private List<byte[]> Decode(ReadOnlySpan<byte> stream, int maxFrame, int chunking)
    {
        var frames = new List<byte[]>();
        using var decoder = new SlipDecoder(_pool, maxFrame, p =>
        {
            frames.Add(p.Data.ToArray());
            p.Release();
        }, NullLog.Instance);
        int chunk = chunking % 7 + 1;
        while (!stream.IsEmpty)
        {
            int n = Math.Min(chunk, stream.Length);
            decoder.Feed(stream[..n]);
            stream = stream[n..];
            chunk = chunk * 5 % 13 + 1;
        }
        return frames;
    }

    /// <summary>RFC 1055 read literally, with the drop rules as the decoder documents them.</summary>
    private static List<byte[]> Model(ReadOnlySpan<byte> stream, int maxFrame)
    {
        var frames = new List<byte[]>();
        var frame = new List<byte>();
        bool bad = false;
        for (int i = 0; i < stream.Length; i++)
        {
            byte b = stream[i];
            if (b == Slip.End)
            {
                if (!bad && frame.Count > 0 && frame.Count <= maxFrame) frames.Add(frame.ToArray());
                frame.Clear();
                bad = false;
            }
            else if (b == Slip.Esc)
            {
                if (++i >= stream.Length) break;
                if (stream[i] == Slip.EscEnd) frame.Add(Slip.End);
                else if (stream[i] == Slip.EscEsc) frame.Add(Slip.Esc);
                else bad = true;
            }
            else
            {
                frame.Add(b);
            }
        }
        return frames;
    }
}
