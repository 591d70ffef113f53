using Secnet.Log;
using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Streaming SLIP decoder for the userv-ipif pipe: bytes arrive in arbitrary chunks; every
/// non-empty frame ending in END is handed to the sink in a pooled buffer (the sink owns it).
/// Garbage never throws: a bad escape (ESC followed by anything but ESC_END/ESC_ESC, END
/// included) or a frame longer than the maximum drops the frame up to the next END, with one
/// secnet warning and a counter per dropped frame. Empty frames (END END) are ignored.
/// Not thread-safe: one reader feeds it.
/// </summary>
public sealed class SlipDecoder : IDisposable
{
    private readonly BufferPool _pool;
    private readonly int _maxFrame;
    private readonly Action<PacketBuffer> _sink;
    private readonly ILog _log;
    private PacketBuffer _frame;
    private int _length;
    private bool _pendingEscape;
    private bool _discarding;

    /// <param name="maxFrame">Largest decoded frame accepted; at most what a pool buffer holds
    /// in front of its tailroom.</param>
    public SlipDecoder(BufferPool pool, int maxFrame, Action<PacketBuffer> sink, ILog log)
    {
        _pool = pool;
        _sink = sink;
        _log = log;
        _frame = pool.Rent();
        _maxFrame = Math.Min(maxFrame, _frame.Writable.Length - BufferPool.DefaultTailroom);
    }

    public long FramesDecoded { get; private set; }
    public long BadEscapes { get; private set; }
    public long OverlongFrames { get; private set; }

    /// <summary>Consumes a chunk of the byte stream.</summary>
    public void Feed(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk) Accept(b);
    }

    private void Accept(byte b)
    {
        int output;
        if (_pendingEscape)
        {
            _pendingEscape = false;
            switch (b)
            {
                case Slip.EscEnd:
                    output = Slip.End;
                    break;
                case Slip.EscEsc:
                    output = Slip.Esc;
                    break;
                default:
                    if (!_discarding)
                    {
                        BadEscapes++;
                        Warn("userv_afterpoll: bad SLIP escape character, dropping packet");
                        _discarding = true;
                    }
                    return;
            }
        }
        else if (b == Slip.End)
        {
            EndOfFrame();
            return;
        }
        else if (b == Slip.Esc)
        {
            _pendingEscape = true;
            return;
        }
        else
        {
            output = b;
        }

        if (_discarding) return;
        if (_length >= _maxFrame)
        {
            OverlongFrames++;
            Warn("userv_afterpoll: dropping overlong SLIP packet");
            _discarding = true;
            return;
        }
        _frame.Writable[_length++] = (byte)output;
    }

    private void EndOfFrame()
    {
        if (!_discarding && _length > 0)
        {
            _frame.SetLength(_length);
            FramesDecoded++;
            var complete = _frame;
            _frame = _pool.Rent();
            _sink(complete);
        }
        _discarding = false;
        _length = 0;
    }

    private void Warn(string message)
    {
        if (_log.IsEnabled(LogClass.Warning)) _log.Log(LogClass.Warning, message);
    }

    public void Dispose() => _frame.Release();
}
