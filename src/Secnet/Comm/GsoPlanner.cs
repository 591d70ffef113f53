namespace Secnet.Comm;

/// <summary>One sendmmsg message: <see cref="Count"/> consecutive datagrams from
/// <see cref="First"/>, segmented by the kernel at <see cref="SegmentSize"/> bytes, or a plain
/// single datagram when <see cref="SegmentSize"/> is 0.</summary>
internal readonly record struct GsoMessage(int First, int Count, int SegmentSize);

/// <summary>
/// Groups a batch of datagrams (all to one destination) into UDP_SEGMENT messages: a run of
/// equal-length datagrams, of which only the last may be shorter, is one message that the kernel
/// cuts back into exactly those datagrams; anything else goes alone. Pure, so that the grouping
/// rules are tested without sockets.
/// </summary>
internal static class GsoPlanner
{
    /// <summary>Segments per message: the kernel's UDP_MAX_SEGMENTS was 64 before 6.9 (128 since).</summary>
    public const int MaxSegments = 64;

    /// <summary>Payload per message: the largest IPv4 UDP payload (65535 - 20 - 8), which IPv6
    /// (65535 - 8) also takes.</summary>
    public const int MaxBytes = 65507;

    /// <summary>Fills <paramref name="messages"/> (room for one per datagram) and returns how many
    /// messages the <paramref name="lengths"/> make.</summary>
    public static int Plan(ReadOnlySpan<int> lengths, Span<GsoMessage> messages, int maxSegments = MaxSegments, int maxBytes = MaxBytes)
    {
        int count = 0;
        int i = 0;
        while (i < lengths.Length)
        {
            int size = lengths[i];
            int end = i + 1;
            if (size > 0)
            {
                int bytes = size;
                while (end < lengths.Length && end - i < maxSegments)
                {
                    int next = lengths[end];
                    if (next <= 0 || next > size || bytes + next > maxBytes) break;
                    bytes += next;
                    end++;
                    // A shorter datagram can only be the last segment of a message.
                    if (next < size) break;
                }
            }
            messages[count++] = new GsoMessage(i, end - i, end - i > 1 ? size : 0);
            i = end;
        }
        return count;
    }
}
