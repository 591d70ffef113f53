using System.Buffers.Binary;
using System.Net;
using Secnet.Comm;

namespace Secnet.Tests.Comm;

/// <summary>The DNS query we send and the strict reading of replies (untrusted input).</summary>
public class DnsWireTests
{
    /// <summary>A reply to (id, name, type) with the given rcode/flags and answer records.</summary>
    internal static byte[] Reply(ushort id, string name, ushort type, int rcode = 0, int extraFlags = 0, params byte[][] answers)
    {
        var query = new byte[DnsWire.MaxMessage];
        int length = DnsWire.WriteQuery(query, id, name, type);
        var message = query.AsSpan(0, length).ToArray().ToList();
        ushort flags = (ushort)(0x8180 | rcode | extraFlags);
        message[2] = (byte)(flags >> 8);
        message[3] = (byte)flags;
        message[7] = (byte)answers.Length;
        foreach (var a in answers) message.AddRange(a);
        return [.. message];
    }

    /// <summary>A record owned by the question's name (pointer to offset 12).</summary>
    internal static byte[] Record(ushort type, byte[] data, byte[]? owner = null)
    {
        var r = new List<byte>(owner ?? [0xc0, 0x0c]);
        r.AddRange([(byte)(type >> 8), (byte)type, 0, 1, 0, 0, 0, 60, (byte)(data.Length >> 8), (byte)data.Length]);
        r.AddRange(data);
        return [.. r];
    }

    private static (DnsAnswerStatus, List<IPAddress>) Read(byte[] message, ushort id = 7, string name = "peer.example", ushort type = DnsWire.TypeA)
    {
        var list = new List<IPAddress>();
        return (DnsWire.ReadAnswer(message, id, name, type, list), list);
    }

    [Fact]
    public void QueryIsARecursiveQuestion()
    {
        var buffer = new byte[DnsWire.MaxMessage];
        int length = DnsWire.WriteQuery(buffer, 0x1234, "peer.example", DnsWire.TypeAaaa);
        Assert.Equal(
            Convert.FromHexString("123401000001000000000000" + "0470656572076578616d706c6500" + "001c0001"),
            buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void AddressesOfBothFamilies()
    {
        var (s, a) = Read(Reply(7, "peer.example", DnsWire.TypeA, answers: [Record(DnsWire.TypeA, [192, 0, 2, 9]), Record(DnsWire.TypeA, [192, 0, 2, 10])]));
        Assert.Equal(DnsAnswerStatus.Ok, s);
        Assert.Equal(["192.0.2.9", "192.0.2.10"], a.Select(x => x.ToString()));
        var v6 = IPAddress.Parse("2001:db8::9").GetAddressBytes();
        (s, a) = Read(Reply(7, "PEER.example", DnsWire.TypeAaaa, answers: [Record(DnsWire.TypeAaaa, v6)]), type: DnsWire.TypeAaaa);
        Assert.Equal(DnsAnswerStatus.Ok, s);
        Assert.Equal(IPAddress.Parse("2001:db8::9"), Assert.Single(a));
    }

    [Fact]
    public void CnameChainInTheAnswerIsFollowed()
    {
        // CNAME peer.example -> x.example (written out), then x.example's A (pointer back to it).
        byte[] target = [1, (byte)'x', 7, .. "example"u8, 0];
        var reply = Reply(7, "peer.example", DnsWire.TypeA, answers: [Record(5, target)]);
        int targetAt = reply.Length - target.Length;
        reply = [.. reply, .. Record(DnsWire.TypeA, [203, 0, 113, 1], [(byte)(0xc0 | targetAt >> 8), (byte)targetAt])];
        reply[7] = 2;
        var (s, a) = Read(reply);
        Assert.Equal(DnsAnswerStatus.Ok, s);
        Assert.Equal(IPAddress.Parse("203.0.113.1"), Assert.Single(a));
    }

    [Fact]
    public void StatusesFromTheHeader()
    {
        Assert.Equal(DnsAnswerStatus.NoSuchDomain, Read(Reply(7, "peer.example", DnsWire.TypeA, rcode: 3)).Item1);
        Assert.Equal(DnsAnswerStatus.NoData, Read(Reply(7, "peer.example", DnsWire.TypeA)).Item1);
        Assert.Equal(DnsAnswerStatus.ServerFailure, Read(Reply(7, "peer.example", DnsWire.TypeA, rcode: 2)).Item1);
        Assert.Equal(DnsAnswerStatus.Refused, Read(Reply(7, "peer.example", DnsWire.TypeA, rcode: 5)).Item1);
        Assert.Equal(DnsAnswerStatus.Truncated, Read(Reply(7, "peer.example", DnsWire.TypeA, extraFlags: 0x0200)).Item1);
    }

    [Fact]
    public void RepliesToOtherQuestionsOrMalformedAreIgnored()
    {
        var good = Reply(7, "peer.example", DnsWire.TypeA, answers: [Record(DnsWire.TypeA, [192, 0, 2, 9])]);
        Assert.Equal(DnsAnswerStatus.Ignore, Read(good, id: 8).Item1);
        Assert.Equal(DnsAnswerStatus.Ignore, Read(good, name: "other.example").Item1);
        Assert.Equal(DnsAnswerStatus.Ignore, Read(good, type: DnsWire.TypeAaaa).Item1);
        for (int cut = 0; cut < good.Length; cut++) Assert.Equal(DnsAnswerStatus.Ignore, Read(good[..cut]).Item1);
        var query = (byte[])good.Clone();
        query[2] &= 0x7f; // not a reply
        Assert.Equal(DnsAnswerStatus.Ignore, Read(query).Item1);
        // An A record of the wrong size, and an answer whose owner points forward (a loop).
        Assert.Equal(DnsAnswerStatus.Ignore, Read(Reply(7, "peer.example", DnsWire.TypeA, answers: [Record(DnsWire.TypeA, [1, 2, 3])])).Item1);
        var loop = Reply(7, "peer.example", DnsWire.TypeA, answers: [Record(DnsWire.TypeA, [1, 2, 3, 4], [0xc0, 0xff])]);
        Assert.Equal(DnsAnswerStatus.Ignore, Read(loop).Item1);
        // A label with a dot or a control byte in it is not a name we asked about.
        Assert.Equal(DnsAnswerStatus.Ignore, Read(Reply(7, "peer\u0001.example", DnsWire.TypeA), name: "peer\u0001.example").Item1);
        Assert.Equal(0x8180, BinaryPrimitives.ReadUInt16BigEndian(good.AsSpan(2)));
    }

    [Theory]
    [InlineData("peer.example", true)]
    [InlineData("a", true)]
    [InlineData("", false)]
    [InlineData("a..b", false)]
    [InlineData("a b", false)]
    public void NameSyntax(string name, bool valid) => Assert.Equal(valid, DnsWire.IsValidName(name));
}
