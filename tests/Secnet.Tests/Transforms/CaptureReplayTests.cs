using System.Buffers.Binary;
using System.Numerics;
using Secnet.Tests.TestSupport;
using Secnet.Transforms;

namespace Secnet.Tests.Transforms;

/// <summary>
/// Decrypts traffic between two real secnet 0.6.7 daemons (testvectors/README.md) and re-encrypts it
/// bit-exactly. The session keys are recomputed from the known DH secrets.
/// </summary>
public class CaptureReplayTests
{
    private const string TestExampleModulus =
        "8db5f2c15ac96d9f3382d1ef4688fba14dc7908ae7dfd71a9cfe7f479a75d506dc53f159aeaf488bde073fe544bc91c0" +
        "99f101fcf60074f30c06e36263c03ca9e07931ce3fc235fe1171dc6d9316fb097bd4362891e2c36e234e7c16b038fd97" +
        "b1f165c710e90537de66ee4f54001f5712b050d4e07de3fba07607b19b64f6c3";

    private const uint LabelMsg0 = 0x00020200;
    private const uint LabelMsg5 = 0x05050505;
    private const uint LabelMsg6 = 0x06060606;
    private const uint LabelMsg7 = 0x07070707;
    private const uint LabelMsg9 = 0x09090909;

    /// <summary>The transform key bytes as secnet derives them from g^xy (crypto.md §6.5).</summary>
    private static byte[] KeyBytes(byte lowFill, byte highFill, int keyLength)
    {
        var p = BigInteger.Parse("0" + TestExampleModulus, System.Globalization.NumberStyles.HexNumber);
        var x = new BigInteger(Enumerable.Repeat(lowFill, 128).ToArray(), isUnsigned: true, isBigEndian: true);
        var y = new BigInteger(Enumerable.Repeat(highFill, 128).ToArray(), isUnsigned: true, isBigEndian: true);
        var shared = BigInteger.ModPow(BigInteger.ModPow(2, x, p), y, p);
        var minimal = shared.ToByteArray(isUnsigned: true, isBigEndian: true);
        var key = new byte[keyLength];
        minimal.AsSpan(0, Math.Min(keyLength, minimal.Length)).CopyTo(key);
        return key;
    }

    [Theory]
    [InlineData("cap-cbc.pcap", "serpent256-cbc", 0x11, 0x22)]
    [InlineData("cap-cbcshort.pcap", "serpent256-cbc", 0x01, 0x21)]
    [InlineData("cap-eax.pcap", "eax-serpent", 0x11, 0x22)]
    [InlineData("cap-eaxshort.pcap", "eax-serpent", 0x01, 0x21)]
    public void DecryptsAndReproducesEveryPacketOfTheCaptures(string file, string transformName, byte lowFill, byte highFill)
    {
        ITransform transform = transformName == "eax-serpent"
            ? new EaxSerpentTransform(new EaxSerpentOptions())
            : new Serpent256CbcTransform(new Serpent256CbcOptions());
        var key = KeyBytes(lowFill, highFill, transform.KeyLength == 0 ? 128 : transform.KeyLength);
        // Inside (port 16913) sorts first: direction false. Outside (16900): direction true.
        var receivers = new Dictionary<int, ITransformInstance>();
        var senders = new Dictionary<int, ITransformInstance>();
        foreach (int port in new[] { 16913, 16900 })
        {
            bool senderDirection = port == 16900;
            receivers[port] = transform.CreateInstance();
            receivers[port].SetKey(key, !senderDirection);
            senders[port] = transform.CreateInstance();
            senders[port].SetKey(key, senderDirection);
        }

        var labels = new List<uint>();
        foreach (var d in Pcap.ReadUdp(RepoPaths.Vector(Path.Combine("captures", file))))
        {
            uint type = BinaryPrimitives.ReadUInt32BigEndian(d.Payload.AsSpan(8));
            if (type is not (LabelMsg0 or LabelMsg5 or LabelMsg6))
                continue;
            var body = d.Payload.AsSpan(12).ToArray();
            var packet = TransformTestKit.Packet(body);
            Assert.Equal(TransformResult.Ok, receivers[d.SourcePort].Reverse(packet, out var error));
            Assert.Null(error);
            var plain = packet.Data.ToArray();
            uint label = BinaryPrimitives.ReadUInt32BigEndian(plain);
            labels.Add(label);
            if (label == LabelMsg9)
                Assert.Equal(0x45, plain[4]); // an IPv4 packet

            var again = TransformTestKit.Packet(plain);
            Assert.Equal(TransformResult.Ok, senders[d.SourcePort].Forward(again));
            Assert.Equal(Convert.ToHexString(body), Convert.ToHexString(again.Data));
        }
        // MSG5, MSG6, three pings each way, then the MSG7 close (from one or both ends).
        Assert.Equal(LabelMsg5, labels[0]);
        Assert.Equal(LabelMsg6, labels[1]);
        Assert.Equal(6, labels.Count(l => l == LabelMsg9));
        Assert.All(labels.Skip(8), l => Assert.Equal(LabelMsg7, l));
    }

    [Fact]
    public void KexExampleMessagesDecryptToTheDocumentedPlaintexts()
    {
        var values = File.ReadAllLines(RepoPaths.Vector("kex-example/derived-values.txt"))
            .Where(l => l.Contains(" = "))
            .ToDictionary(l => l[..l.IndexOf(" = ")].Trim(), l => l[(l.IndexOf(" = ") + 3)..].Trim());
        var key = Convert.FromHexString(values["shared secret g^xy mod p, 128 bytes handed to setkey"]);
        var transform = new EaxSerpentTransform(new EaxSerpentOptions());
        // alpha (10.99.0.1, port 16900) sorts first; bravo (port 16910) has direction 1.
        var atBravo = transform.CreateInstance();
        atBravo.SetKey(key, direction: true);
        var atAlpha = transform.CreateInstance();
        atAlpha.SetKey(key, direction: false);

        var datagrams = Pcap.ReadUdp(RepoPaths.Vector("kex-capture.pcap"));
        for (int number = 6; number <= 10; number++)
        {
            var d = datagrams[number - 1];
            var receiver = d.SourcePort == 16900 ? atBravo : atAlpha;
            var packet = TransformTestKit.Packet(d.Payload.AsSpan(12));
            Assert.Equal(TransformResult.Ok, receiver.Reverse(packet, out _));
            string name = number switch { 6 => "pkt6 MSG5 plaintext", 7 => "pkt7 MSG6 plaintext", _ => $"pkt{number} MSG0 plaintext" };
            // The documented plaintext includes the padding, which Open leaves behind the payload.
            var documented = Convert.FromHexString(values[name]);
            Assert.Equal(documented.Length - documented[^1], packet.Length);
            Assert.Equal(documented, packet.Array.AsSpan(packet.Start, documented.Length).ToArray());
        }
    }
}
