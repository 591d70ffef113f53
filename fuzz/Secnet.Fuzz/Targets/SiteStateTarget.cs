using System.Net;
using Secnet.Netlink;
using Secnet.Tests.Sites;
using SiteT = Secnet.Sites.Site;

namespace Secnet.Fuzz.Targets;

/// <summary>
/// The site state machine on a keyed pair (alpha, bravo; the tests' in-memory network, manual
/// clock and fake crypto, so a fuzzed exchange can complete). The fuzzer is the network: honest
/// datagrams are queued, and the input's operations deliver them (edited or not, in any order,
/// any number of times), inject arbitrary datagrams from the peer's or a stranger's address,
/// move the clock and send data. Invariants: no exception escapes; a host receives only payloads
/// its peer sent, each at most once (no forgery, no replay); and once the network is honest again
/// the pair keys and carries data both ways within a few minutes (a hostile sequence cannot
/// wedge either site); every log line and NAK reason is one plain line, whatever names the
/// packets carried.
/// </summary>
internal sealed class SiteStateTarget : IFuzzTarget
{
    private static readonly IPEndPoint Stranger = new(IPAddress.Parse("10.99.0.9"), 5555);

    public string Name => "site-state";

    public void Run(ReadOnlySpan<byte> input)
    {
        var pair = new Pair();
        var captured = new List<(InMemoryComm From, InMemoryComm To, byte[] Data)>();
        pair.Net.Drop = (data, from, to) =>
        {
            captured.Add((pair.CommAt(from), pair.CommAt(to), data));
            return true;
        };
        var r = new FuzzInput(input);
        int ops = 0;
        while (r.Remaining > 0 && ops++ < 200)
        {
            byte op = r.U8();
            switch (op % 8)
            {
                case 0:
                    pair.Send(pair.Alpha);
                    break;
                case 1:
                    pair.Send(pair.Bravo);
                    break;
                case 2:
                    pair.Clock.Advance(r.U16() * 10L, stepMs: 5000);
                    break;
                case 3:
                    pair.BravoComm.Deliver(r.Chunk().ToArray(), pair.AlphaComm.Local);
                    break;
                case 4:
                    pair.AlphaComm.Deliver(r.Chunk().ToArray(), pair.BravoComm.Local);
                    break;
                case 5:
                {
                    if (captured.Count == 0) break;
                    var (from, to, data) = captured[r.U8() % captured.Count];
                    var copy = (byte[])data.Clone();
                    int at = r.U16();
                    byte xor = r.U8();
                    if (copy.Length > 0) copy[at % copy.Length] ^= xor;
                    to.Deliver(copy, from.Local);
                    break;
                }
                case 6:
                    pair.Clock.Pump();
                    break;
                default:
                    (op % 16 < 8 ? pair.AlphaComm : pair.BravoComm).Deliver(r.Chunk().ToArray(), Stranger);
                    break;
            }
            pair.Clock.Pump();
            pair.CheckDeliveries();
        }
        foreach (var nak in pair.AlphaComm.NakLog.Concat(pair.BravoComm.NakLog)) PlainLineLog.Check(nak);

        // Honest network from here on: within minutes both directions must work again.
        pair.Net.Drop = (_, _, _) => false;
        bool alphaHeard = false, bravoHeard = false;
        for (int round = 0; round < 40 && !(alphaHeard && bravoHeard); round++)
        {
            int alphaBefore = pair.AlphaLink.Delivered.Count, bravoBefore = pair.BravoLink.Delivered.Count;
            pair.Send(pair.Alpha);
            pair.Send(pair.Bravo);
            pair.Clock.Advance(10_000, stepMs: 5000);
            pair.CheckDeliveries();
            bravoHeard |= pair.BravoLink.Delivered.Count > bravoBefore;
            alphaHeard |= pair.AlphaLink.Delivered.Count > alphaBefore;
        }
        FuzzInvariantException.Check(alphaHeard && bravoHeard,
            $"the pair did not recover in 400 s: alpha {pair.Alpha.State}, bravo {pair.Bravo.State}");
    }

    private sealed class Pair
    {
        private readonly HashSet<string> _sentByAlpha = [];
        private readonly HashSet<string> _sentByBravo = [];
        private readonly HashSet<string> _deliveredToAlpha = [];
        private readonly HashSet<string> _deliveredToBravo = [];
        private int _counter;
        private int _alphaChecked, _bravoChecked;

        public Pair()
        {
            Net = new InMemoryNetwork(Clock);
            AlphaComm = Net.Add("10.99.0.1", 16900);
            BravoComm = Net.Add("10.99.0.2", 16910);
            Alpha = new SiteT(Options("alpha", "bravo", "[10.99.0.2]", 16910, 0x10) with { MtuTarget = 1260 },
                1, Clock, AlphaLink, [AlphaComm], new LiteralResolver(Clock));
            Bravo = new SiteT(Options("bravo", "alpha", "[10.99.0.1]", 16900, 0x80),
                1, Clock, BravoLink, [BravoComm], new LiteralResolver(Clock));
            Alpha.Start();
            Bravo.Start();
            Clock.Pump();
        }

        public ManualScheduler Clock { get; } = new();
        public InMemoryNetwork Net { get; }
        public InMemoryComm AlphaComm { get; }
        public InMemoryComm BravoComm { get; }
        public FakeNetlink AlphaLink { get; } = new("alpha-link");
        public FakeNetlink BravoLink { get; } = new("bravo-link");
        public SiteT Alpha { get; }
        public SiteT Bravo { get; }

        private static Secnet.Sites.SiteOptions Options(string local, string peer, string address, int port, byte seed) => new()
        {
            Log = PlainLineLog.Instance, LogEvents = Secnet.Sites.SiteLogEvents.All, LocalName = local, Name = peer,
            Random = new CountingRandom(seed), LocalKey = new FakeKey(local), PeerKey = new FakeKey(peer),
            Addresses = [address], Port = port,
            Transforms = [new FakeTransform("eax-fake", 9), new FakeTransform("cbc-fake", 8, 76)],
            Dh = new FakeDh(), LinkMtu = 1400,
        };

        public InMemoryComm CommAt(IPEndPoint endpoint) => endpoint.Equals(AlphaComm.Local) ? AlphaComm : BravoComm;

        public void Send(SiteT site)
        {
            var payload = $"{(site == Alpha ? 'A' : 'B')}{_counter++}";
            (site == Alpha ? _sentByAlpha : _sentByBravo).Add(payload);
            var b = Net.Pool.Rent();
            b.CopyFrom(System.Text.Encoding.ASCII.GetBytes(payload));
            site.QueueSeal(b);
        }

        public void CheckDeliveries()
        {
            Check(AlphaLink, ref _alphaChecked, _sentByBravo, _deliveredToAlpha, "alpha");
            Check(BravoLink, ref _bravoChecked, _sentByAlpha, _deliveredToBravo, "bravo");
        }

        private static void Check(FakeNetlink link, ref int done, HashSet<string> sent, HashSet<string> delivered, string who)
        {
            for (; done < link.Delivered.Count; done++)
            {
                var text = System.Text.Encoding.ASCII.GetString(link.Delivered[done]);
                FuzzInvariantException.Check(sent.Contains(text), $"{who} got a payload its peer never sent");
                FuzzInvariantException.Check(delivered.Add(text), $"{who} got payload {text} twice");
            }
        }
    }
}
