using Secnet.Crypto;
using Secnet.Netlink;
using Secnet.Sites;
using Secnet.Sites.Messages;

namespace Secnet.Tests.Sites;

public class SiteStateMachineTests
{
    [Fact]
    public void OutgoingPacketStartsKeyExchangeWhichCompletes()
    {
        var p = new SitePair();
        p.SendFrom(p.Alpha, [1, 2, 3]);
        p.Clock.Advance(100);
        Assert.Equal(SiteState.Run, p.Alpha.State);
        Assert.Equal(SiteState.Run, p.Bravo.State);
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.NotNull(p.Bravo.Keys.Current);
        Assert.True(p.AlphaLog.Has("alpha<->bravo: discarding outgoing packet of size 3"));
        Assert.True(p.AlphaLog.Has("alpha<->bravo: initiating key exchange (outgoing packet)"));
        Assert.True(p.AlphaLog.Has("key exchange negotiated transform 9 (capabilities ours=0x300 theirs=0x300)"));
        Assert.True(p.AlphaLog.Has("new key activated (mtu ours=1260 theirs=1400 intersite=1260)"));
        Assert.True(p.BravoLog.Has("new key activated (mtu ours=1400 theirs=1260 intersite=1260)"));
        Assert.True(p.BravoLog.Has("bravo<->alpha: key setup initiated by peer"));
        Assert.True(p.BravoLog.Has("using: 0 configured addr(s); incoming packet address; 0 old peer addrs(es)"));
        Assert.Equal(1260, p.AlphaLink.Mtu);
        Assert.Equal(LinkQuality.Up, p.BravoLink.Quality);
        // Labels on the wire in order: MSG1, MSG2, MSG3BIS, MSG4, MSG5, MSG6.
        var labels = p.Net.Sent.Select(s => PacketHeader.TryParse(s.Data, out var h) ? h.Label : 0u).ToArray();
        Assert.Equal([MessageLabel.Msg1, MessageLabel.Msg2, MessageLabel.Msg3Bis, MessageLabel.Msg4, MessageLabel.Msg5, MessageLabel.Msg6], labels);
    }

    [Fact]
    public void DhPublicValueOutOfRangeAbandonsTheExchange()
    {
        // Bravo (the responder) sends 0 as its public value in MSG4, signed as usual: alpha must
        // not take the key 0^x = 0 gives, and must give up at once instead of at the timeout.
        var p = new SitePair(bravo: o => o with { Dh = new ZeroPublicDh() });
        p.SendFrom(p.Alpha, [1, 2, 3]);
        p.Clock.Advance(100);
        Assert.True(p.AlphaLog.Has("peer sent DH public value out of range (not 1 < y < p-1), abandoning key exchange"));
        Assert.Equal(SiteState.Wait, p.Alpha.State);
        Assert.Null(p.Alpha.Keys.Current);
        Assert.DoesNotContain(p.Net.Sent, s => PacketHeader.TryParse(s.Data, out var h) && h.Label == MessageLabel.Msg5);
    }

    private sealed class ZeroPublicDh : IDiffieHellman
    {
        private readonly FakeDh _real = new();
        public int SecretLength => _real.SecretLength;
        public int CeilLength => _real.CeilLength;
        public byte[] MakePublic(ReadOnlySpan<byte> secret) => "00"u8.ToArray();
        public DhPeerValue MakeShared(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> peerPublicHex, Span<byte> key) =>
            _real.MakeShared(secret, peerPublicHex, key);
    }

    [Fact]
    public void DataFlowsBothWays()
    {
        var p = new SitePair();
        p.EstablishKey();
        for (int i = 0; i < 5; i++)
        {
            p.SendFrom(p.Alpha, [0x45, (byte)i]);
            p.SendFrom(p.Bravo, [0x46, (byte)i, 9]);
        }
        p.Clock.Pump();
        Assert.Equal(5, p.BravoLink.Delivered.Count);
        Assert.Equal(5, p.AlphaLink.Delivered.Count);
        Assert.Equal([0x45, 4], p.BravoLink.Delivered[4]);
        Assert.Equal([0x46, 4, 9], p.AlphaLink.Delivered[4]);
    }

    [Fact]
    public void PeerPreferenceDoesNotOverrideInitiatorOrder()
    {
        var p = new SitePair(alpha: o => o with { Transforms = [new FakeTransform("cbc-fake", 8, 76), new FakeTransform("eax-fake", 9)] });
        p.EstablishKey();
        Assert.True(p.AlphaLog.Has("key exchange negotiated transform 8 (capabilities ours=0x300 theirs=0x300)"));
        Assert.True(p.BravoLog.Has("key exchange negotiated transform 8"));
    }

    [Fact]
    public void RenegotiatesInTheWindowAndOldKeyIsDeletedOnUse()
    {
        var p = new SitePair(o => o with { KeyLifetimeMs = 60000 }, o => o with { KeyLifetimeMs = 60000 });
        p.EstablishKey();
        var first = p.Alpha.Keys.Current;
        p.Clock.Advance(31000);
        p.SendFrom(p.Bravo, [7]);
        p.Clock.Advance(100);
        Assert.True(p.AlphaLog.Has("initiating key exchange (incoming packet in renegotiation window)"));
        Assert.NotSame(first, p.Alpha.Keys.Current);
        Assert.Same(first, p.Alpha.Keys.Aux);
        p.SendFrom(p.Bravo, [8]);
        p.SendFrom(p.Alpha, [9]);
        p.Clock.Pump();
        Assert.True(p.AlphaLog.Has("auxiliary key deleted (peer has used new key)"));
        Assert.Null(p.Alpha.Keys.Aux);
        Assert.Equal([8], p.AlphaLink.Delivered[^1]);
        Assert.Equal([9], p.BravoLink.Delivered[^1]);
    }

    [Fact]
    public void KeyExpiresAtKeyLifetime()
    {
        var p = new SitePair(o => o with { KeyLifetimeMs = 60000 }, o => o with { KeyLifetimeMs = 60000 });
        p.EstablishKey();
        p.Clock.Advance(61000);
        Assert.Null(p.Alpha.Keys.Current);
        Assert.True(p.AlphaLog.Has("current key deleted (maximum life exceeded)"));
    }

    [Fact]
    public void CrossedMsg1sResolveByNameOrder()
    {
        var p = new SitePair();
        p.SendFrom(p.Alpha, [1]);
        p.SendFrom(p.Bravo, [2]);
        p.Clock.Advance(100);
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.NotNull(p.Bravo.Keys.Current);
        Assert.True(p.BravoLog.Has("crossed msg1s; we are higher priority => ignore incoming msg1"));
        Assert.True(p.AlphaLog.Has("crossed msg1s; we are lower priority => use incoming msg1"));
    }

    [Fact]
    public void CrossedMsg1sMobileEndWins()
    {
        var p = new SitePair(alpha: o => o with { LocalMobile = true }, bravo: o => o with { Mobile = true });
        p.SendFrom(p.Alpha, [1]);
        p.SendFrom(p.Bravo, [2]);
        p.Clock.Advance(100);
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.True(p.AlphaLog.Has("crossed msg1s; we are higher priority => ignore incoming msg1"));
        Assert.True(p.BravoLog.Has("crossed msg1s; we are lower priority => use incoming msg1"));
    }

    [Fact]
    public void LostPacketsAreRetransmitted()
    {
        var p = new SitePair();
        int droppedMsg3 = 0, droppedMsg2 = 0;
        p.Net.Drop = (d, _, _) =>
        {
            PacketHeader.TryParse(d, out var h);
            if (h.Label == MessageLabel.Msg3Bis && droppedMsg3 < 2) { droppedMsg3++; return true; }
            if (h.Label == MessageLabel.Msg2 && droppedMsg2 < 1) { droppedMsg2++; return true; }
            return false;
        };
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(10000);
        Assert.NotNull(p.Alpha.Keys.Current);
        Assert.NotNull(p.Bravo.Keys.Current);
        Assert.Equal(2, droppedMsg3);
    }

    [Fact]
    public void RetriesExhaustedGoesToWaitThenRun()
    {
        var p = new SitePair();
        p.Net.Drop = (_, from, _) => from.Port == 16900;
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(9000);
        Assert.Equal(SiteState.SentMsg1, p.Alpha.State);
        p.Clock.Advance(1500);
        Assert.Equal(SiteState.Wait, p.Alpha.State);
        Assert.True(p.AlphaLog.Has("timed out sending key setup packet (in state SENTMSG1) (tried mem:[10.99.0.1]:16900-[10.99.0.2]:16910)"));
        Assert.Equal(5, p.Net.Sent.Count(s => s.Data[11] == 0x01));
        p.Clock.Advance(30000);
        Assert.Equal(SiteState.Run, p.Alpha.State);
        Assert.True(p.AlphaLog.Has("entering state RUN (unkeyed)"));
    }

    [Fact]
    public void RestartedPeerRecoversThroughNak()
    {
        var p = new SitePair();
        p.EstablishKey();
        p.RestartBravo();
        p.SendFrom(p.Alpha, [0x45, 1]);
        p.Clock.Advance(200);
        Assert.True(p.BravoLog.Has("transform: transform not set up (aux: transform not set up, new: n/a)"));
        Assert.True(p.BravoLog.Has("initiating key exchange (incoming message would not decrypt)"));
        Assert.Contains(p.BravoComm.NakLog, l => l.EndsWith(": message would not decrypt", StringComparison.Ordinal));
        Assert.NotNull(p.Bravo.Keys.Current);
        p.SendFrom(p.Alpha, [0x45, 2]);
        p.Clock.Pump();
        Assert.Equal([0x45, 2], p.BravoLink.Delivered[^1]);
    }

    [Fact]
    public void NakWhileNotInRunSendsProdWhichRestartsExchange()
    {
        var p = new SitePair();
        p.EstablishKey();
        // Bravo loses its key silently (restart) and alpha's data triggers bravo's NAK; the NAK makes
        // alpha initiate. Check the PROD path directly: a NAK arriving while alpha waits.
        p.Net.Drop = (_, from, _) => from.Port == 16910;
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Pump();
        var nak = new byte[12];
        new PacketHeader(1, p.Alpha.Keys.Current!.RemoteIndex, MessageLabel.Nak).Write(nak);
        p.Alpha.OnSetupPacket(nak, new PeerAddress(p.AlphaComm, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.2"), 16910), p.Clock.NowMs));
        Assert.True(p.AlphaLog.Has("initiating key exchange (received a NAK)"));
        p.Clock.Pump();
        Assert.Equal(SiteState.SentMsg1, p.Alpha.State);
        // A second NAK cannot initiate (not in RUN) and alpha is not in RUN/RESOLVE/WAIT: no PROD.
        p.Alpha.OnSetupPacket(nak, new PeerAddress(p.AlphaComm, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.2"), 16910), p.Clock.NowMs));
        Assert.False(p.AlphaLog.Has("prodding peer for key exchange"));
        p.Clock.Advance(11000);
        Assert.Equal(SiteState.Wait, p.Alpha.State);
        p.SendFrom(p.Alpha, [2]);
        p.Alpha.OnSetupPacket(nak, new PeerAddress(p.AlphaComm, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.2"), 16910), p.Clock.NowMs));
        Assert.True(p.AlphaLog.Has("prodding peer for key exchange"));
        Assert.Contains(p.Net.Sent, s => s.Data.Length > 11 && s.Data[8] == 0x0a && s.Data[11] == 0x0a);
    }

    [Fact]
    public void ProdFromPeerWithoutKeyInitiates()
    {
        var p = new SitePair();
        var prod = new Prod { SenderName = "alpha"u8, ReceiverName = "bravo"u8 };
        var bytes = new byte[prod.Length];
        prod.Write(bytes);
        Assert.Equal(KexCapture.Packet14, bytes);
        p.Net.Sent.Clear();
        p.AlphaComm.Send(bytes, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.2"), 16910).Serialize());
        p.Clock.Advance(100);
        Assert.True(p.BravoLog.Has("initiating key exchange (peer sent PROD packet)"));
        Assert.NotNull(p.Bravo.Keys.Current);
    }

    [Fact]
    public void Msg7ClosesTheSession()
    {
        var p = new SitePair();
        p.EstablishKey();
        p.Alpha.Shutdown();
        p.Clock.Pump();
        Assert.True(p.BravoLog.Has("bravo<->alpha: session closed (request from peer)"));
        Assert.Null(p.Bravo.Keys.Current);
        Assert.Equal(SiteState.Stop, p.Alpha.State);
    }

    [Fact]
    public void WrongSignatureLogsSecurityAndMakesNoKey()
    {
        var p = new SitePair(bravo: o => o with { PeerKey = new FakeKey("mallory") });
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.BravoLog.Has("Security: bravo<->alpha: msg3/msg4 signature failed check! (key #0 0000000000)"));
        Assert.Null(p.Bravo.Keys.Current);
        Assert.Null(p.Alpha.Keys.Current);
    }

    [Fact]
    public void NoTransformsInCommonFailsTheExchange()
    {
        var p = new SitePair(bravo: o => o with { Transforms = [new FakeTransform("other", 3)] });
        p.SendFrom(p.Alpha, [1]);
        p.Clock.Advance(500);
        Assert.True(p.AlphaLog.Has("no transforms in common (us 0x300; them: 0x8)"));
        Assert.Null(p.Alpha.Keys.Current);
    }

    [Fact]
    public void KeepaliveKeysWithoutTraffic()
    {
        var p = new SitePair(o => o with { Keepalive = true });
        p.Clock.Advance(100);
        Assert.True(p.AlphaLog.Has("initiating key exchange (keepalive)"));
        Assert.NotNull(p.Alpha.Keys.Current);
    }

    /// <summary>A stray MSG1's names reach the NAK log line escaped (issue 16): a newline in a
    /// name must not start a forged log line.</summary>
    [Fact]
    public void StrayMsg1NamesAreEscapedInTheNakReason()
    {
        var p = new SitePair();
        var m = new Secnet.Sites.Messages.Msg1
        {
            Header = new Secnet.Sites.Messages.PacketHeader(0, 0x11223344, Secnet.Sites.Messages.MessageLabel.Msg1),
            SenderName = "evil\nDec  4 00:00:00 fake: key setup done"u8,
            ReceiverName = "bravo"u8,
            Nonce = new byte[8],
        };
        var datagram = new byte[m.Length];
        m.Write(datagram);
        p.BravoComm.Deliver(datagram, new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.9"), 5555));
        var nak = Assert.Single(p.BravoComm.NakLog);
        Assert.EndsWith(@": unknown remote name: evil\nDec  4 00:00:00 fake: key setup done", nak, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', nak);
    }

    [Fact]
    public void GarbageOfEveryLengthIsDroppedWithoutExceptions()
    {
        var p = new SitePair();
        p.EstablishKey();
        var rng = new Random(42);
        var to = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.99.0.2"), 16910).Serialize();
        for (int len = 0; len < 700; len++)
        {
            var junk = new byte[len];
            rng.NextBytes(junk);
            if (len >= 12 && len % 3 == 0) { junk[0] = junk[1] = junk[2] = 0; junk[3] = 1; }
            if (len >= 12 && len % 5 == 0) { junk[8] = 0; junk[9] = 2; junk[10] = 2; junk[11] = 0; }
            if (len >= 12 && len % 7 == 0) { junk[8] = junk[9] = junk[10] = junk[11] = (byte)(1 + len % 10); }
            p.AlphaComm.Send(junk, to);
            p.Clock.Pump();
        }
        Assert.True(p.Bravo.Counters.Dropped + p.Bravo.Counters.Malformed > 0);
        p.SendFrom(p.Alpha, [0x45, 0x99]);
        p.Clock.Pump();
        Assert.Equal([0x45, 0x99], p.BravoLink.Delivered[^1]);
    }
}
