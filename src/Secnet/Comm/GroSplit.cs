namespace Secnet.Comm;

/// <summary>
/// How a message received with UDP_GRO divides back into the datagrams the peer sent: pieces of
/// the reported segment size, the last possibly shorter. Pure, so the rules are tested without
/// sockets.
/// </summary>
internal static class GroSplit
{
    /// <summary>Number of datagrams in a coalesced message of <paramref name="length"/> bytes, or
    /// 0 when the message cannot be real (no bytes, a segment size that is not positive or does
    /// not fit a packet buffer of <paramref name="maxSegment"/> bytes).</summary>
    public static int Count(int length, int segmentSize, int maxSegment)
    {
        if (length <= 0 || segmentSize <= 0 || segmentSize > maxSegment) return 0;
        return (int)(((long)length + segmentSize - 1) / segmentSize);
    }

    /// <summary>Offset and length of datagram <paramref name="index"/> of a coalesced message.</summary>
    public static (int Offset, int Length) Segment(int length, int segmentSize, int index)
    {
        int offset = index * segmentSize;
        return (offset, Math.Min(segmentSize, length - offset));
    }
}
