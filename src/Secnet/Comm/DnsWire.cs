using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Secnet.Comm;

/// <summary>The outcome of one DNS answer to one question (RFC 1035), as adns reports it.</summary>
public enum DnsAnswerStatus
{
    Ok,
    /// <summary>Not an answer to our question (wrong id, question, malformed): keep waiting.</summary>
    Ignore,
    NoSuchDomain,
    NoData,
    ServerFailure,
    Refused,
    /// <summary>Truncated (TC): adns would retry over TCP, which we do not; a failure here.</summary>
    Truncated,
}

/// <summary>
/// Just enough of the DNS wire format for A/AAAA lookups: a query, and a strict reading of the
/// reply. Replies come from the network, so every length and pointer is checked, compression
/// pointers may only point backwards and are followed a bounded number of times, and anything
/// that does not answer exactly our id and question is ignored rather than believed.
/// </summary>
public static class DnsWire
{
    public const ushort TypeA = 1;
    public const ushort TypeAaaa = 28;
    private const ushort TypeCname = 5;
    private const ushort ClassIn = 1;
    public const int MaxMessage = 512;
    private const int MaxNameLength = 255;
    private const int MaxPointers = 32;
    private const int MaxCnames = 8;

    /// <summary>Host-name syntax for names we ask about: labels of 1..63 octets, at most 253 in all,
    /// printable ASCII other than dots and spaces (the wire carries them as they are).</summary>
    public static bool IsValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > 253) return false;
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63) return false;
            foreach (var c in label)
                if (c <= ' ' || c >= 0x7f) return false;
        }
        return true;
    }

    /// <summary>Writes a recursive query for <paramref name="name"/> (no trailing dot); its length.</summary>
    public static int WriteQuery(Span<byte> buffer, ushort id, string name, ushort type)
    {
        ArgumentNullException.ThrowIfNull(name);
        BinaryPrimitives.WriteUInt16BigEndian(buffer, id);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(buffer[4..], 1);
        buffer[6..12].Clear();
        int at = 12;
        foreach (var label in name.Split('.'))
        {
            buffer[at++] = (byte)label.Length;
            at += Encoding.ASCII.GetBytes(label, buffer[at..]);
        }
        buffer[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(buffer[at..], type);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(at + 2)..], ClassIn);
        return at + 4;
    }

    /// <summary>
    /// Reads a reply to (<paramref name="id"/>, <paramref name="name"/>, <paramref name="type"/>):
    /// the addresses of that type owned by the name or by the end of a CNAME chain in the answer.
    /// </summary>
    public static DnsAnswerStatus ReadAnswer(ReadOnlySpan<byte> message, ushort id, string name, ushort type, List<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (message.Length < 12 || BinaryPrimitives.ReadUInt16BigEndian(message) != id) return DnsAnswerStatus.Ignore;
        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        if ((flags & 0x8000) == 0 || (flags >> 11 & 0xf) != 0) return DnsAnswerStatus.Ignore; // not a reply to a QUERY
        if (BinaryPrimitives.ReadUInt16BigEndian(message[4..]) != 1) return DnsAnswerStatus.Ignore;
        int answers = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        int at = 12;
        if (!TryReadName(message, ref at, out var qname) || at + 4 > message.Length) return DnsAnswerStatus.Ignore;
        if (!string.Equals(qname, name, StringComparison.OrdinalIgnoreCase)
            || BinaryPrimitives.ReadUInt16BigEndian(message[at..]) != type
            || BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]) != ClassIn) return DnsAnswerStatus.Ignore;
        at += 4;
        if ((flags & 0x0200) != 0) return DnsAnswerStatus.Truncated;
        switch (flags & 0xf)
        {
            case 0: break;
            case 2: return DnsAnswerStatus.ServerFailure;
            case 3: return DnsAnswerStatus.NoSuchDomain;
            case 5: return DnsAnswerStatus.Refused;
            default: return DnsAnswerStatus.ServerFailure;
        }
        string owner = name;
        int cnames = 0;
        int start = addresses.Count;
        for (int i = 0; i < answers; i++)
        {
            if (!TryReadName(message, ref at, out var rrName) || at + 10 > message.Length) return DnsAnswerStatus.Ignore;
            ushort rrType = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
            ushort rrClass = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
            int length = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 8)..]);
            at += 10;
            if (at + length > message.Length) return DnsAnswerStatus.Ignore;
            var data = message.Slice(at, length);
            int dataAt = at;
            at += length;
            if (rrClass != ClassIn || !string.Equals(rrName, owner, StringComparison.OrdinalIgnoreCase)) continue;
            if (rrType == TypeCname)
            {
                if (++cnames > MaxCnames || !TryReadName(message, ref dataAt, out var target) || dataAt != at) return DnsAnswerStatus.Ignore;
                owner = target;
            }
            else if (rrType == type && type == TypeA && length == 4) addresses.Add(new IPAddress(data));
            else if (rrType == type && type == TypeAaaa && length == 16) addresses.Add(new IPAddress(data));
            else if (rrType == type) return DnsAnswerStatus.Ignore; // an address record of the wrong size
        }
        return addresses.Count > start ? DnsAnswerStatus.Ok : DnsAnswerStatus.NoData;
    }

    /// <summary>A name at <paramref name="at"/>, following backward compression pointers; advances
    /// past the name as it appears there. Labels with dots or non-printable octets are refused.</summary>
    private static bool TryReadName(ReadOnlySpan<byte> message, ref int at, out string name)
    {
        name = "";
        var text = new StringBuilder();
        int position = at, end = -1, pointers = 0, wireLength = 0;
        while (true)
        {
            if (position >= message.Length) return false;
            int length = message[position];
            if ((length & 0xc0) == 0xc0)
            {
                if (position + 1 >= message.Length || ++pointers > MaxPointers) return false;
                int target = (length & 0x3f) << 8 | message[position + 1];
                if (end < 0) end = position + 2;
                if (target >= position) return false;
                position = target;
                continue;
            }
            if ((length & 0xc0) != 0) return false;
            position++;
            if (length == 0) break;
            if (position + length > message.Length) return false;
            wireLength += length + 1;
            if (wireLength > MaxNameLength) return false;
            if (text.Length > 0) text.Append('.');
            foreach (var b in message.Slice(position, length))
            {
                if (b <= (byte)' ' || b >= 0x7f || b == (byte)'.') return false;
                text.Append((char)b);
            }
            position += length;
        }
        at = end >= 0 ? end : position;
        name = text.ToString();
        return true;
    }
}
