namespace Secnet.Sites.Messages;

/// <summary>Inner MSG7 (close) body inside MSG0: label then a u16-length reason string.</summary>
public static class Msg7
{
    public const string ShuttingDown = "shutting down";

    public static int Length(int reasonLength) => 4 + 2 + reasonLength;

    public static int Write(Span<byte> destination, ReadOnlySpan<byte> reason)
    {
        var w = new WireWriter(destination);
        w.U32(MessageLabel.Msg7);
        w.String(reason);
        return w.Position;
    }
}
