using System.Text;
using Secnet.Sites.Messages;

namespace Secnet.Tests.Sites;

public class MessageTests
{
    private static readonly byte[] Alpha = Encoding.ASCII.GetBytes("alpha");
    private static readonly byte[] Bravo = Encoding.ASCII.GetBytes("bravo");

    [Fact]
    public void LabelsFollowTheMajorMinorMapping()
    {
        Assert.Equal(MessageLabel.Msg0, MessageLabel.FromMajorMinor(0x2020, 0));
        Assert.Equal(MessageLabel.Msg3Bis, MessageLabel.FromMajorMinor(3, 1));
        Assert.Equal(MessageLabel.Prod, MessageLabel.FromMajorMinor(10, 0));
        Assert.Equal(MessageLabel.Msg7, MessageLabel.FromMajorMinor(7, 0));
    }

    [Fact]
    public void Msg1ParsesAndRebuildsPacket1()
    {
        Assert.True(Msg1.TryParse(KexCapture.Packet1, out var m));
        Assert.Equal(new PacketHeader(0, 1, MessageLabel.Msg1), m.Header);
        Assert.Equal(Alpha, m.SenderName.ToArray());
        Assert.Equal(Bravo, m.ReceiverName.ToArray());
        Assert.Equal(0x300u, m.SenderExtra.Capabilities);
        Assert.Equal(Convert.FromHexString("54fd4405b0cdcf02"), m.Nonce.ToArray());
        var built = new Msg1
        {
            Header = m.Header, SenderName = Alpha, ReceiverName = Bravo, Nonce = m.Nonce,
            SenderExtra = new NameExtra { Capabilities = 0x300 },
        };
        var buf = new byte[built.Length];
        Assert.Equal(buf.Length, built.Write(buf));
        Assert.Equal(KexCapture.Packet1, buf);
    }

    [Fact]
    public void Msg2ParsesAndRebuildsPacket2()
    {
        Assert.True(Msg2.TryParse(KexCapture.Packet2, out var m));
        Assert.Equal(new PacketHeader(1, 1, MessageLabel.Msg2), m.Header);
        Assert.Equal(1, m.SenderExtra.KeyIdCount);
        Assert.Equal("0000000000", Convert.ToHexStringLower(m.SenderExtra.KeyId(0)));
        var built = new Msg2
        {
            Header = m.Header, SenderName = Bravo, ReceiverName = Alpha,
            SenderNonce = Convert.FromHexString("43096ca8818abfb7"), ReceiverNonce = Convert.FromHexString("54fd4405b0cdcf02"),
            SenderExtra = new NameExtra { Capabilities = 0x300 },
        };
        var buf = new byte[built.Length];
        built.Write(buf);
        Assert.Equal(KexCapture.Packet2, buf);
    }

    [Fact]
    public void Msg3BisParsesAndRebuildsPacket4()
    {
        var p = KexCapture.Packet4;
        Assert.True(Msg3.TryParse(p, out var m));
        Assert.True(m.IsBis);
        Assert.Equal(9, m.Transform);
        Assert.Equal(1260, m.SenderExtra.Mtu);
        Assert.Equal(0, m.SenderExtra.KeyIndex);
        Assert.Equal(315, m.SignedLength);
        Assert.Equal(256, m.DhPublic.Length);
        Assert.Equal(255, m.Signature.Length);
        var built = new Msg3
        {
            Header = m.Header, SenderName = Alpha, ReceiverName = Bravo,
            SenderNonce = m.SenderNonce, ReceiverNonce = m.ReceiverNonce, Transform = 9,
            DhPublic = m.DhPublic, Signature = m.Signature,
            SenderExtra = new NameExtra { Capabilities = 0x300, Mtu = 1260 },
        };
        Assert.Equal(315, built.SignedPartLength);
        var buf = new byte[built.Length];
        built.Write(buf);
        Assert.Equal(p, buf);
    }

    [Fact]
    public void Msg4ParsesAndRebuildsPacket5()
    {
        var p = KexCapture.Packet5;
        Assert.True(Msg4.TryParse(p, out var m));
        Assert.Equal(1400, m.SenderExtra.Mtu);
        Assert.Equal(308, m.SignedLength);
        var built = new Msg4
        {
            Header = m.Header, SenderName = Bravo, ReceiverName = Alpha,
            SenderNonce = m.SenderNonce, ReceiverNonce = m.ReceiverNonce,
            DhPublic = m.DhPublic, Signature = m.Signature,
            SenderExtra = new NameExtra { Capabilities = 0x300, Mtu = 1400 },
        };
        var buf = new byte[built.Length];
        built.Write(buf);
        Assert.Equal(p, buf);
    }

    [Fact]
    public void NakAndProdMatchPackets12And14()
    {
        Assert.True(PacketHeader.TryParse(KexCapture.Packet11, out var h));
        var nak = new byte[PacketHeader.Length];
        h.NakReply().Write(nak);
        Assert.Equal(KexCapture.Packet12, nak);

        Assert.True(Prod.TryParse(KexCapture.Packet14, out var prod));
        Assert.Equal(Alpha, prod.SenderName.ToArray());
        var built = new Prod { SenderName = Alpha, ReceiverName = Bravo };
        var buf = new byte[built.Length];
        built.Write(buf);
        Assert.Equal(KexCapture.Packet14, buf);
    }

    [Fact]
    public void SeedLayoutWithoutExtrasIsAccepted()
    {
        var m = new Msg1 { Header = new PacketHeader(0, 5, MessageLabel.Msg1), SenderName = Alpha, ReceiverName = Bravo, Nonce = new byte[8] };
        var buf = new byte[m.Length];
        m.Write(buf);
        // Cut the extra (NUL + caps) out to mimic a seed peer: plain "alpha".
        var seed = new List<byte>(buf[..12]) { 0, 5 };
        seed.AddRange(Alpha);
        seed.AddRange(buf[(14 + 5 + 1 + 4)..]);
        Assert.True(Msg1.TryParse(seed.ToArray(), out var parsed));
        Assert.Equal(0u, parsed.SenderExtra.Capabilities);
    }

    [Fact]
    public void MalformedExtrasAreRejected()
    {
        Assert.False(NameExtra.TryParse([0, 0, 3], SetupKind.Msg1, out _));
        Assert.False(NameExtra.TryParse([0, 0, 3, 0, 0], SetupKind.Msg3, out _));
        Assert.False(NameExtra.TryParse([0, 0, 3, 0, 0], SetupKind.Msg2, out _));
        Assert.False(NameExtra.TryParse([0, 0, 3, 0, 2, 0, 0, 0, 0, 0], SetupKind.Msg2, out _));
        Assert.True(NameExtra.TryParse([0, 0, 3, 0, 9, 9], SetupKind.Msg1, out var e));
        Assert.Equal(0x300u, e.Capabilities);
    }

    /// <summary>Whether an index is in range depends on the list the receiving site offered, so
    /// the parser passes it through and the site decides (SiteKeySetTests).</summary>
    [Fact]
    public void KeyIndexIsParsedForTheSiteToCheck()
    {
        var p = (byte[])KexCapture.Packet4.Clone();
        p[32] = 1;
        Assert.True(Msg3.TryParse(p, out var m));
        Assert.Equal(1, m.SenderExtra.KeyIndex);
    }

    /// <summary>0.6.7's MSG2 and MSG3 with key sets (observed, tests/e2e/peer-keys.sh): the list
    /// of ids the sender accepts, then in MSG3 the index of the signing key.</summary>
    [Fact]
    public void KeyListsAndIndexFollowTheObservedLayout()
    {
        byte[] ids = Convert.FromHexString("a000000100a000000300");
        var msg2 = new Msg2
        {
            Header = new PacketHeader(1, 1, MessageLabel.Msg2), SenderName = Bravo, ReceiverName = Alpha,
            SenderNonce = new byte[8], ReceiverNonce = new byte[8],
            SenderExtra = new NameExtra { Capabilities = 0x200, KeyIds = ids },
        };
        var buf = new byte[msg2.Length];
        msg2.Write(buf);
        // bravo\0 caps 02 ids
        Assert.Equal("627261766f000000020002a000000100a000000300", Convert.ToHexStringLower(buf.AsSpan(14, 21)));
        Assert.True(Msg2.TryParse(buf, out var parsed));
        Assert.Equal(2, parsed.SenderExtra.KeyIdCount);
        Assert.Equal("a000000300", Convert.ToHexStringLower(parsed.SenderExtra.KeyId(1)));

        var msg3 = new Msg3
        {
            Header = new PacketHeader(1, 1, MessageLabel.Msg3Bis), SenderName = Alpha, ReceiverName = Bravo,
            SenderNonce = new byte[8], ReceiverNonce = new byte[8], Transform = 9, DhPublic = "ab"u8, Signature = "cd"u8,
            SenderExtra = new NameExtra { Capabilities = 0x200, Mtu = 1400, KeyIds = Convert.FromHexString("b000000100b000000300"), KeyIndex = 2 },
        };
        buf = new byte[msg3.Length];
        msg3.Write(buf);
        // observed: caps 0578 02 b000000100 b000000300 index
        Assert.Equal("616c706861000000020005780" + "2b000000100b00000030002", Convert.ToHexStringLower(buf.AsSpan(14, 24)));
        Assert.True(Msg3.TryParse(buf, out var m3));
        Assert.Equal(2, m3.SenderExtra.KeyIndex);
        Assert.Equal(2, m3.SenderExtra.KeyIdCount);
    }

    [Fact]
    public void EveryTruncationAndExtensionOfSetupPacketsFailsCleanly()
    {
        foreach (var p in new[] { KexCapture.Packet1, KexCapture.Packet2, KexCapture.Packet4, KexCapture.Packet5, KexCapture.Packet14 })
        {
            for (int len = 0; len < p.Length; len++)
            {
                var cut = p.AsSpan(0, len);
                Assert.False(Msg1.TryParse(cut, out _) || Msg2.TryParse(cut, out _) || Msg3.TryParse(cut, out _)
                    || Msg4.TryParse(cut, out _) || Prod.TryParse(cut, out _));
            }
            var longer = new byte[p.Length + 1];
            p.CopyTo(longer, 0);
            Assert.False(Msg1.TryParse(longer, out _) || Msg2.TryParse(longer, out _) || Msg3.TryParse(longer, out _)
                || Msg4.TryParse(longer, out _) || Prod.TryParse(longer, out _));
        }
    }
}
