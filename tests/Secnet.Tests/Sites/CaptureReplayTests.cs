using System.Net;
using System.Net.Sockets;
using Secnet.Comm;
using Secnet.Crypto;
using Secnet.Packets;
using Secnet.Sites;
using Secnet.Sites.Messages;
using Secnet.Tests.TestSupport;
using Secnet.Transforms;
using SiteT = Secnet.Sites.Site;

namespace Secnet.Tests.Sites;

/// <summary>
/// Replays testvectors/kex-capture.pcap (protocol.md §15) against our site with real crypto and the
/// capture's fixed random files: every packet we send must be byte-identical to 0.6.7's.
/// </summary>
public class CaptureReplayTests
{
    private const string Group = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

    private static readonly byte[] Packet8Ip = Convert.FromHexString("450000235c2640003f11a773ac12f001ac12f009d8e20007000f9f7c7365636f6e640a");
    private static readonly byte[] Packet9Ip = Convert.FromHexString("45c0003f214a00003f012184ac12f009ac12f0010303354e00000000450000235c2640003e11a873ac12f001ac12f009d8e20007000f9f7c7365636f6e640a");

    private sealed class RecordingComm(IPEndPoint local) : IComm
    {
        public List<byte[]> Sent { get; } = new();
        public void Register(ICommReceiver receiver) { }
        public void Unregister(ICommReceiver receiver) { }
        public bool Supports(AddressFamily family) => family == AddressFamily.InterNetwork;
        public bool Send(ReadOnlySpan<byte> datagram, SocketAddress destination)
        {
            Sent.Add(datagram.ToArray());
            return true;
        }
        public void SendNak(SocketAddress destination, PacketHeader offending, string reason) => Sent.Add([]);
        public string Describe(SocketAddress peer) => $"udp#0@l28:{SocketAddresses.Format(local)}-{SocketAddresses.Format(SocketAddresses.ToEndPoint(peer))}";
    }

    private static string Vec(string file) => RepoPaths.Vector("kex-example", file);

    private static RsaPublicKey PublicKey(string who)
    {
        var parts = File.ReadAllText(Vec(who + ".key.pub")).Split(' ');
        Assert.True(RsaPublicKey.TryCreate(parts[1], parts[2], Sha1Hash.Instance, out var key, out var error), error);
        return key!;
    }

    private static (SiteT Site, RecordingComm Comm, FakeNetlink Link, ManualScheduler Clock, ListLog Log) Make(string local, string peer, string peerAddr, int peerPort, int mtuTarget)
    {
        Assert.True(Ssh1PrivateKeyFile.TryLoad(Vec(local + ".key"), true, Sha1Hash.Instance, out var priv, out var err), err);
        Assert.True(RandomFileSource.TryOpen(Vec(local + ".random"), false, out var random, out err), err);
        Assert.True(DiffieHellmanGroup.TryCreate(Group, "2", false, out var dh, out err), err);
        var clock = new ManualScheduler();
        var log = new ListLog();
        var link = new FakeNetlink(local);
        var comm = new RecordingComm(new IPEndPoint(IPAddress.Parse(local == "alpha" ? "10.99.0.1" : "10.99.0.2"), local == "alpha" ? 16900 : 16910));
        var options = new SiteOptions
        {
            Log = log, LogEvents = SiteLogEvents.All, LocalName = local, Name = peer,
            Random = random!, LocalKey = priv!, PeerKey = PublicKey(peer),
            Addresses = [peerAddr], Port = peerPort,
            Transforms = [new EaxSerpentTransform(new EaxSerpentOptions()), new Serpent256CbcTransform(new Serpent256CbcOptions())],
            Dh = dh!, MtuTarget = mtuTarget, LinkMtu = 1400,
        };
        var site = new SiteT(options, 1, clock, link, [comm], new LiteralResolver(clock));
        site.Start();
        clock.Pump();
        return (site, comm, link, clock, log);
    }

    private static void Feed(SiteT site, RecordingComm comm, ManualScheduler clock, byte[] packet, string from, int port)
    {
        var buf = new PacketBuffer(4096);
        buf.CopyFrom(packet);
        string? refusal = null;
        Assert.True(site.TryReceive(comm, buf, new IPEndPoint(IPAddress.Parse(from), port).Serialize(), ref refusal), refusal);
        clock.Pump();
    }

    private static void Send(SiteT site, ManualScheduler clock, byte[] ip)
    {
        var buf = new PacketBuffer(4096);
        buf.CopyFrom(ip);
        site.QueueSeal(buf);
        clock.Pump();
    }

    [Fact]
    public void OurAlphaMatchesTheCaptureByteForByte()
    {
        var (a, comm, link, clock, log) = Make("alpha", "bravo", "[10.99.0.2]", 16910, 1260);
        Send(a, clock, new byte[34]);
        Assert.Equal(KexCapture.Packet1, comm.Sent[^1]);
        Feed(a, comm, clock, KexCapture.Packet2, "10.99.0.2", 16910);
        Assert.Equal(KexCapture.Packet4, comm.Sent[^1]);
        int before = comm.Sent.Count;
        Feed(a, comm, clock, KexCapture.Packet3, "10.99.0.2", 16910);
        Assert.Equal(before, comm.Sent.Count);
        Feed(a, comm, clock, KexCapture.Packet5, "10.99.0.2", 16910);
        Assert.Equal(KexCapture.Packet6, comm.Sent[^1]);
        Feed(a, comm, clock, KexCapture.Packet7, "10.99.0.2", 16910);
        Assert.Equal(SiteState.Run, a.State);
        Assert.True(log.Has("alpha<->bravo: new key activated (mtu ours=1260 theirs=1400 intersite=1260)"));
        Assert.True(log.Has("alpha<->bravo: key exchange negotiated transform 9 (capabilities ours=0x300 theirs=0x300)"));
        Assert.True(log.Has("alpha<->bravo: verified peer signature with key #0 0000000000"));
        Send(a, clock, Packet8Ip);
        Assert.Equal(KexCapture.Packet8, comm.Sent[^1]);
        Feed(a, comm, clock, KexCapture.Packet9, "10.99.0.2", 16910);
        Assert.Equal(Packet9Ip, link.Delivered[^1]);
        a.Shutdown();
        Assert.Equal(KexCapture.Packet10, comm.Sent[^1]);
    }

    [Fact]
    public void OurBravoMatchesTheCaptureByteForByte()
    {
        var (b, comm, link, clock, log) = Make("bravo", "alpha", "[10.99.0.1]", 16900, 0);
        Feed(b, comm, clock, KexCapture.Packet1, "10.99.0.1", 16900);
        Assert.Equal(KexCapture.Packet2, comm.Sent[^1]);
        Feed(b, comm, clock, KexCapture.Packet4, "10.99.0.1", 16900);
        Assert.Equal(KexCapture.Packet5, comm.Sent[^1]);
        Feed(b, comm, clock, KexCapture.Packet6, "10.99.0.1", 16900);
        Assert.Equal(KexCapture.Packet7, comm.Sent[^1]);
        Assert.True(log.Has("bravo<->alpha: new key activated (mtu ours=1400 theirs=1260 intersite=1260)"));
        Feed(b, comm, clock, KexCapture.Packet8, "10.99.0.1", 16900);
        Assert.Equal(Packet8Ip, link.Delivered[^1]);
        Send(b, clock, Packet9Ip);
        Assert.Equal(KexCapture.Packet9, comm.Sent[^1]);
        Feed(b, comm, clock, KexCapture.Packet10, "10.99.0.1", 16900);
        Assert.True(log.Has("bravo<->alpha: session closed (request from peer)"));
        Assert.Null(b.Keys.Current);
    }
}
