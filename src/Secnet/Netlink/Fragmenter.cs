using Secnet.Packets;

namespace Secnet.Netlink;

/// <summary>
/// Splits an IPv4 packet that is larger than the MTU (DF clear, MTU ≥ header + 8) into fragments
/// as secnet does (§7): payload per fragment is the room left by the header rounded down to 8;
/// offsets continue from the packet's own offset so fragments can be fragmented again; the first
/// fragment keeps the whole header, later ones only the options marked "copy".
/// </summary>
internal static class Fragmenter
{
    public enum Result
    {
        Sent,
        OffsetOutOfRange,
        OptionsTruncatedAtLength,
        OptionsTruncatedInOption,
        NoBuffer,
    }

    public static string Describe(Result r) => r switch
    {
        Result.OffsetOutOfRange => "ultimate fragment offset out of range",
        Result.OptionsTruncatedAtLength => "IPv4 options truncated at length",
        Result.OptionsTruncatedInOption => "IPv4 options truncated in option",
        Result.NoBuffer => "no buffer for fragment",
        _ => "sent",
    };

    /// <summary>Sends the fragments of <paramref name="original"/> (which stays owned by the caller)
    /// to <paramref name="target"/>; stops at the first problem, having sent what came before it.</summary>
    public static Result Fragment(ReadOnlySpan<byte> original, int mtu, BufferPool pool,
        DeliveryTarget target, NetlinkCounters counters)
    {
        Span<byte> header = stackalloc byte[60];
        int headerLength = Ipv4Header.HeaderLength(original);
        original[..headerLength].CopyTo(header);
        int originalFragment = Ipv4Header.FragmentField(original);
        var payload = original[headerLength..];
        int position = 0;
        bool filtered = false;

        while (true)
        {
            int dataOffset = position + (originalFragment & Ipv4Header.OffsetMask) * 8;
            if (dataOffset > Ipv4Header.OffsetMask * 8) return Result.OffsetOutOfRange;

            int room = mtu - headerLength;
            int remaining = payload.Length - position;
            int take = room < remaining ? room & ~7 : remaining;
            bool last = position + take >= payload.Length;

            var fragment = pool.Rent();
            if (fragment.Tailroom < headerLength + take)
            {
                fragment.Release();
                return Result.NoBuffer;
            }
            fragment.TryAppend(headerLength + take, out var bytes);
            header[..headerLength].CopyTo(bytes);
            payload.Slice(position, take).CopyTo(bytes[headerLength..]);
            Ipv4Header.SetTotalLength(bytes, headerLength + take);
            Ipv4Header.SetFragmentField(bytes, (originalFragment & ~Ipv4Header.OffsetMask)
                | (last ? 0 : Ipv4Header.FlagMoreFragments) | (dataOffset >> 3));
            Ipv4Header.UpdateChecksum(bytes);
            position += take;
            counters.CountFragment();
            target.Send(fragment);
            if (last) return Result.Sent;

            if (!filtered)
            {
                filtered = true;
                var filter = FilterHeader(header, ref headerLength);
                if (filter != Result.Sent) return filter;
            }
        }
    }

    /// <summary>Keeps only options with the copy bit (0x80), pads with End-of-Options to a multiple
    /// of 4 and fixes IHL. NOP (1) is skipped as a one-byte option: secnet 0.6.7 looped for ever
    /// on it. A length below 2 cannot advance either, so it counts as truncated.</summary>
    internal static Result FilterHeader(Span<byte> header, ref int headerLength)
    {
        int read = Ipv4Header.MinLength;
        int write = Ipv4Header.MinLength;
        while (read < headerLength)
        {
            byte type = header[read];
            int remaining = headerLength - read;
            if (type == 0x00) break;
            if (type == 0x01)
            {
                read++;
                continue;
            }
            if (remaining < 2) return Result.OptionsTruncatedAtLength;
            int length = header[read + 1];
            if (remaining < length || length < 2) return Result.OptionsTruncatedInOption;
            if ((type & 0x80) != 0)
            {
                header.Slice(read, length).CopyTo(header[write..]);
                write += length;
            }
            read += length;
        }
        while ((write & 3) != 0) header[write++] = 0x00;
        headerLength = write;
        header[0] = (byte)((header[0] & 0xf0) | (write >> 2));
        return Result.Sent;
    }
}
