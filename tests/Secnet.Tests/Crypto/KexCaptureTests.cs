using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Secnet.Crypto;
using Secnet.Tests.TestSupport;

namespace Secnet.Tests.Crypto;

/// <summary>Re-derives the key exchanges recorded between two real secnet 0.6.7 daemons.</summary>
public partial class KexCaptureTests
{
    // secnet's test-example group (testvectors/README.md), generator 2.
    private const string TestExampleModulus =
        "8db5f2c15ac96d9f3382d1ef4688fba14dc7908ae7dfd71a9cfe7f479a75d506dc53f159aeaf488bde073fe544bc91c099f101fcf60074f30c06e36263c03ca9e07931ce3fc235fe1171dc6d9316fb097bd4362891e2c36e234e7c16b038fd97b1f165c710e90537de66ee4f54001f5712b050d4e07de3fba07607b19b64f6c3";

    private static string Example(string file) => RepoPaths.Vector("kex-example", file);

    private static Dictionary<string, string> DerivedValues()
    {
        var values = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Example("derived-values.txt")))
        {
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (!line.StartsWith('#') && eq > 0)
            {
                values[line[..eq].Trim()] = line[(eq + 3)..].Trim();
            }
        }

        return values;
    }

    private static DiffieHellmanGroup GroupFromConfig(string conf)
    {
        Match m = DhRegex().Match(File.ReadAllText(conf));
        Assert.True(m.Success);
        Assert.True(DiffieHellmanGroup.TryCreate(m.Groups[1].Value, m.Groups[2].Value, true, out DiffieHellmanGroup? g, out string? error), error);
        return g!;
    }

    private static RsaPublicKey PublicFromSnippet(string file)
    {
        Match m = RsaPublicRegex().Match(File.ReadAllText(file));
        Assert.True(m.Success);
        return RsaTests.Public(m.Groups[1].Value, m.Groups[2].Value);
    }

    [Fact]
    public void KexExampleReDerivesEverything()
    {
        Dictionary<string, string> derived = DerivedValues();
        DiffieHellmanGroup group = GroupFromConfig(Example("alpha.conf"));
        Assert.Equal(group.Modulus, GroupFromConfig(Example("bravo.conf")).Modulus);
        List<UdpDatagram> packets = Pcap.ReadUdp(RepoPaths.Vector("kex-capture.pcap"));
        KexMessageAsym msg1 = Single(packets, KexMessageAsym.Msg1, "alpha");
        KexMessageAsym msg2 = Single(packets, KexMessageAsym.Msg2, "bravo");
        (UdpDatagram msg3Packet, KexMessageAsym msg3) = SingleWithPacket(packets, KexMessageAsym.Msg3Bis, "alpha");
        (UdpDatagram msg4Packet, KexMessageAsym msg4) = SingleWithPacket(packets, KexMessageAsym.Msg4, "bravo");

        // The daemons' random draws, in order: nonce, then DH exponent.
        byte[] alphaNonce = new byte[8], alphaSecret = new byte[group.SecretLength];
        byte[] bravoNonce = new byte[8], bravoSecret = new byte[group.SecretLength];
        DrawFrom(Example("alpha.random"), alphaNonce, alphaSecret);
        DrawFrom(Example("bravo.random"), bravoNonce, bravoSecret);
        Assert.Equal(derived["alpha nonce (alpha.random[0:8])"], Convert.ToHexStringLower(alphaNonce));
        Assert.Equal(alphaNonce, msg1.FirstNonce);
        Assert.Equal(bravoNonce, msg2.FirstNonce);
        Assert.Equal(derived["alpha DH secret x (alpha.random[8:136], big-endian)"], Convert.ToHexStringLower(alphaSecret));

        byte[] alphaPublic = group.MakePublic(alphaSecret);
        byte[] bravoPublic = group.MakePublic(bravoSecret);
        Assert.Equal(msg3.DhPublicHex, alphaPublic);
        Assert.Equal(msg4.DhPublicHex, bravoPublic);
        Assert.Equal(derived["alpha DH public g^x mod p (as sent, hex text)"], Encoding.ASCII.GetString(alphaPublic));
        Assert.Equal(derived["bravo DH public g^y mod p (as sent, hex text)"], Encoding.ASCII.GetString(bravoPublic));

        // Signatures: verify with the configured public keys, and re-sign with the private
        // keys (deterministic) to get the captured bytes exactly.
        RsaPublicKey alphaPub = PublicFromSnippet(Example("alpha.key.conf"));
        RsaPublicKey bravoPub = PublicFromSnippet(Example("bravo.key.conf"));
        byte[] signed3 = msg3Packet.Payload[..msg3.SignedLength];
        byte[] signed4 = msg4Packet.Payload[..msg4.SignedLength];
        Assert.True(alphaPub.Verify(signed3, msg3.SignatureHex));
        Assert.True(bravoPub.Verify(signed4, msg4.SignatureHex));
        Assert.False(bravoPub.Verify(signed3, msg3.SignatureHex));
        Assert.True(Ssh1PrivateKeyFile.TryLoad(Example("alpha.key"), true, Sha1Hash.Instance, out RsaPrivateKey? alphaKey, out _));
        Assert.True(Ssh1PrivateKeyFile.TryLoad(Example("bravo.key"), true, Sha1Hash.Instance, out RsaPrivateKey? bravoKey, out _));
        Assert.Equal(msg3.SignatureHex, alphaKey!.Sign(signed3));
        Assert.Equal(msg4.SignatureHex, bravoKey!.Sign(signed4));

        // eax-serpent takes ceil_len bytes of the shared secret; both ends agree.
        byte[] alphaKeyBytes = new byte[group.CeilLength];
        byte[] bravoKeyBytes = new byte[group.CeilLength];
        Assert.Equal(DhPeerValue.Accepted, group.MakeShared(alphaSecret, msg4.DhPublicHex, alphaKeyBytes));
        Assert.Equal(DhPeerValue.Accepted, group.MakeShared(bravoSecret, msg3.DhPublicHex, bravoKeyBytes));
        Assert.Equal(alphaKeyBytes, bravoKeyBytes);
        Assert.Equal(derived["shared secret g^xy mod p, 128 bytes handed to setkey"], Convert.ToHexStringLower(alphaKeyBytes));
        Assert.Equal(derived["SHA-512(shared secret)"], Convert.ToHexStringLower(SHA512.HashData(alphaKeyBytes)));
    }

    public static TheoryData<string, string, byte, byte> Captures => new()
    {
        { "cap-cbc.pcap", "serpent256-cbc", 0x11, 0x22 },
        { "cap-eax.pcap", "eax-serpent", 0x11, 0x22 },
        { "cap-cbcshort.pcap", "serpent256-cbc", 0x01, 0x21 },
        { "cap-eaxshort.pcap", "eax-serpent", 0x01, 0x21 },
    };

    [Theory]
    [MemberData(nameof(Captures))]
    public void CaptureKeyExchangeReDerives(string capture, string transform, byte insideFill, byte outsideFill)
    {
        Assert.True(DiffieHellmanGroup.TryCreate(TestExampleModulus, "2", true, out DiffieHellmanGroup? group, out _));
        List<UdpDatagram> packets = Pcap.ReadUdp(RepoPaths.Vector("captures", capture));
        (UdpDatagram p3, KexMessageAsym msg3) = SingleWithPacket(packets, KexMessageAsym.Msg3Bis, null);
        (UdpDatagram p4, KexMessageAsym msg4) = SingleWithPacket(packets, KexMessageAsym.Msg4, null);
        Assert.EndsWith("inside", msg3.SenderName, StringComparison.Ordinal);
        Assert.EndsWith("outside", msg4.SenderName, StringComparison.Ordinal);

        byte[] insideSecret = Enumerable.Repeat(insideFill, group!.SecretLength).ToArray();
        byte[] outsideSecret = Enumerable.Repeat(outsideFill, group.SecretLength).ToArray();
        Assert.Equal(msg3.DhPublicHex, group.MakePublic(insideSecret));
        Assert.Equal(msg4.DhPublicHex, group.MakePublic(outsideSecret));

        Assert.True(RsaTests.Public("65537", RsaTests.InsideModulus).Verify(p3.Payload[..msg3.SignedLength], msg3.SignatureHex));
        Assert.True(RsaTests.Public("65537", RsaTests.OutsideModulus).Verify(p4.Payload[..msg4.SignedLength], msg4.SignatureHex));

        int keyLength = transform == "serpent256-cbc" ? 76 : group.CeilLength;
        byte[] insideKey = new byte[keyLength];
        byte[] outsideKey = new byte[keyLength];
        Assert.Equal(DhPeerValue.Accepted, group.MakeShared(insideSecret, msg4.DhPublicHex, insideKey));
        Assert.Equal(DhPeerValue.Accepted, group.MakeShared(outsideSecret, msg3.DhPublicHex, outsideKey));
        Assert.Equal(insideKey, outsideKey);
        Assert.Equal(IndependentKeyBytes(group, insideFill, outsideFill, keyLength), insideKey);

        // What is visible on the wire without decrypting: the first MSG5/MSG6 carry the
        // transform's initial values in clear.
        byte[] msg5 = Payload(packets, KexMessageAsym.Msg5);
        byte[] msg6 = Payload(packets, KexMessageAsym.Msg6);
        if (transform == "eax-serpent")
        {
            // Initial sequence numbers are SHA-512(K)[32..36) (inside, direction 0) and
            // [36..40) (outside), sent as the last 4 bytes.
            byte[] h = SHA512.HashData(insideKey);
            Assert.Equal(h[32..36], msg5[^4..]);
            Assert.Equal(h[36..40], msg6[^4..]);
        }
        else
        {
            // cbc puts the initial IV word K[64..68) in clear after the 12-byte header.
            Assert.Equal(insideKey[64..68], msg5[12..16]);
            Assert.Equal(insideKey[64..68], msg6[12..16]);
        }
    }

    [Fact]
    public void ShortSecretCapturesUseTrailingZeroPadding()
    {
        // crypto.md §6.6: with fills 01/21, Z has 1015 bits; the eax key is Z_min ‖ 00.
        Assert.True(DiffieHellmanGroup.TryCreate(TestExampleModulus, "2", true, out DiffieHellmanGroup? group, out _));
        byte[] key = IndependentKeyBytes(group!, 0x01, 0x21, group!.CeilLength);
        byte[] ours = new byte[group.CeilLength];
        byte[] a = Enumerable.Repeat((byte)0x01, group.SecretLength).ToArray();
        Assert.Equal(DhPeerValue.Accepted, group.MakeShared(a, group.MakePublic(Enumerable.Repeat((byte)0x21, group.SecretLength).ToArray()), ours));
        Assert.Equal(key, ours);
        Assert.StartsWith("419299f1", Convert.ToHexStringLower(ours), StringComparison.Ordinal);
        Assert.EndsWith("9c00", Convert.ToHexStringLower(ours), StringComparison.Ordinal);
    }

    /// <summary>Key bytes computed with BouncyCastle arithmetic and the spec's rule.</summary>
    private static byte[] IndependentKeyBytes(DiffieHellmanGroup group, byte fillA, byte fillB, int length)
    {
        var p = new Org.BouncyCastle.Math.BigInteger(BigIntHex.ToHex(group.Modulus), 16);
        var x = new Org.BouncyCastle.Math.BigInteger(1, Enumerable.Repeat(fillA, group.SecretLength).ToArray());
        var y = new Org.BouncyCastle.Math.BigInteger(1, Enumerable.Repeat(fillB, group.SecretLength).ToArray());
        byte[] z = Org.BouncyCastle.Math.BigInteger.Two.ModPow(x, p).ModPow(y, p).ToByteArrayUnsigned();
        byte[] key = new byte[length];
        z.AsSpan(0, Math.Min(z.Length, length)).CopyTo(key);
        return key;
    }

    private static void DrawFrom(string path, params byte[][] draws)
    {
        Assert.True(RandomFileSource.TryOpen(path, false, out RandomFileSource? source, out string? error), error);
        using (source)
        {
            foreach (byte[] draw in draws)
            {
                source!.Fill(draw);
            }
        }
    }

    private static byte[] Payload(List<UdpDatagram> packets, uint label) =>
        packets.First(p => p.Payload.Length >= 12 && KexMessageAsym.LabelOf(p.Payload) == label).Payload;

    private static KexMessageAsym Single(List<UdpDatagram> packets, uint label, string? sender) =>
        SingleWithPacket(packets, label, sender).Message;

    private static (UdpDatagram Packet, KexMessageAsym Message) SingleWithPacket(List<UdpDatagram> packets, uint label, string? sender)
    {
        // Retransmissions are identical, so the first one is representative.
        UdpDatagram packet = packets.First(p => p.Payload.Length >= 12 && KexMessageAsym.LabelOf(p.Payload) == label);
        KexMessageAsym message = KexMessageAsym.Parse(packet.Payload);
        if (sender is not null)
        {
            Assert.Equal(sender, message.SenderName);
        }

        return (packet, message);
    }

    [GeneratedRegex("diffie-hellman\\(\"([0-9A-Fa-f]+)\",\\s*\"([0-9A-Fa-f]+)\"\\)")]
    private static partial Regex DhRegex();

    [GeneratedRegex("rsa-public\\(\"([0-9]+)\",\\s*\"([0-9]+)\"\\)")]
    private static partial Regex RsaPublicRegex();
}
