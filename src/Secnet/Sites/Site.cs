using System.Net;
using System.Net.Sockets;
using System.Text;
using Secnet.Comm;
using Secnet.Keys;
using Secnet.Netlink;
using Secnet.Packets;
using Secnet.Runtime;
using Secnet.Transforms;

namespace Secnet.Sites;

/// <summary>
/// One peer: the key-exchange state machine (protocol.md §10), its timers and address lists, on
/// the scheduler's owner thread (this file, Site.KeySetup.cs, Site.Receive.cs for setup messages,
/// Site.DataPathNews.cs for what the data path reports). The data path itself is two objects of
/// its own, <see cref="SendPath"/> and <see cref="ReceivePath"/>, which read the published
/// <see cref="SiteKeys"/> snapshot from any thread.
/// </summary>
public sealed partial class Site : ICommReceiver
{
    /// <summary>Capability bit 31: the mobile end wins crossed MSG1s (0.6.7).</summary>
    public const uint MobilePriorityCapability = 0x80000000;

    /// <summary>Capability bits that must already appear in MSG1/MSG2 if set in MSG3/MSG4.</summary>
    public const uint EarlyCapabilities = MobilePriorityCapability;

    private readonly SiteOptions _o;
    private readonly IScheduler _scheduler;
    private readonly INetlinkClient _link;
    private readonly IReadOnlyList<IComm> _comms;
    private readonly IResolver _resolver;
    private readonly SiteLog _log;
    private readonly byte[] _localName;
    private readonly byte[] _peerName;
    private readonly bool _direction;
    private readonly uint _capabilities;
    private readonly PeerAddressList _setupPeers;
    private readonly PeerAddressList _dataPeers;
    private readonly SendPath _send;
    private readonly ReceivePath _receive;

    private SiteState _state = SiteState.Stop;
    private IDisposable? _stateTimer;
    private IDisposable? _expiryTimer;
    private int _retries;
    private byte[]? _setupPacket;

    // The exchange in progress.
    private uint _setupRemoteIndex;
    private readonly byte[] _localNonce = new byte[Messages.Msg1.NonceLength];
    private readonly byte[] _remoteNonce = new byte[Messages.Msg1.NonceLength];
    private uint _remoteCapabilities;
    private int _remoteMtu;
    private ITransform? _chosenTransform;
    private byte[]? _dhSecret;
    private readonly IPrivateKeySource _privateKeys;
    private readonly IPeerKeySource _peerKeySource;

    // The peer keys this exchange offered in MSG2/MSG3 (a received key index refers into it),
    // held from the exchange's first message to its end whatever updates arrive meanwhile.
    private PeerKeySet _exchangeKeys = PeerKeySet.Empty;
    private bool _crossedLogged;
    private SessionKey? _newKey;
    private string? _keyTransformName;
    private int _resolveGeneration;
    private PeerAddress? _resolveIncoming;

    // Published to the data path.
    private SiteKeys _keys = SiteKeys.Empty;
    private volatile bool _stopped = true;
    private volatile bool _allowProd;

    public Site(SiteOptions options, uint localIndex, IScheduler scheduler, INetlinkClient link,
        IReadOnlyList<IComm> comms, IResolver resolver)
    {
        _o = options;
        LocalIndex = localIndex;
        _scheduler = scheduler;
        _link = link;
        _comms = comms;
        _resolver = resolver;
        _log = new SiteLog(options.Log, options.LogEvents, options.LocalName, options.Name);
        _localName = Encoding.ASCII.GetBytes(options.LocalName);
        _peerName = Encoding.ASCII.GetBytes(options.Name);
        _direction = _localName.AsSpan().SequenceCompareTo(_peerName) > 0;
        _capabilities = options.Capabilities;
        _privateKeys = options.EffectivePrivateKeys;
        _peerKeySource = options.EffectivePeerKeys;
        _setupPeers = new PeerAddressList(options.EffectivePeersMax);
        _dataPeers = new PeerAddressList(options.EffectivePeersMax);
        _send = new SendPath(this);
        _receive = new ReceivePath(this, link);
        link.Register(_send);
        foreach (var c in comms) c.Register(this);
    }

    public uint LocalIndex { get; }
    public SiteState State => _state;
    public SiteOptions Options => _o;
    public SiteCounters Counters { get; } = new();

    /// <summary>The published snapshot: for looking (is there a key?), not for using its keys.</summary>
    public SiteKeys Keys => Volatile.Read(ref _keys);

    /// <summary>The published snapshot, held for a data-path thread that seals or opens with its
    /// keys: they stay unerased until the matching <see cref="SiteKeys.Exit"/>.</summary>
    internal SiteKeys EnterKeys()
    {
        while (true)
        {
            var keys = Volatile.Read(ref _keys);
            if (keys.TryEnter()) return keys;
            // Replaced and let go between the read and the hold: the newer one is published.
        }
    }

    /// <summary>Threads that seal and open big batches; none: everything on the calling thread.</summary>
    public CryptoWorkerPool? Workers
    {
        get => _send.Workers;
        init
        {
            _send.Workers = value;
            _receive.Workers = value;
        }
    }

    /// <summary>True before RUN and after shutdown: the data path drops everything.</summary>
    internal bool Stopped => _stopped;

    /// <summary>A packet for the peer came: a NAK from it may be answered with a PROD.</summary>
    internal void AllowProd() => _allowProd = true;

    /// <summary>What the router does with a packet for this site (the netlink holds the
    /// <see cref="SendPath"/> itself); for tests and tools that play the router.</summary>
    public void QueueSeal(PacketBuffer packet) => _send.QueueSeal(packet);

    /// <summary>Waits until no batch of this site is in flight on a crypto worker.</summary>
    internal void WaitForCrypto()
    {
        _send.WaitUntilIdle();
        _receive.WaitUntilIdle();
    }

    /// <summary>SIGUSR1 (owner thread): the data path's counters and the state, at info.</summary>
    public void ReportCounters() =>
        _log.Report($"counters: {Counters}; state {_state.LogName()}, {(Keys.Current is null ? "no key" : "keyed")}");

    /// <summary>STOP → RUN at the RUN phase (owner thread).</summary>
    public void Start()
    {
        _stopped = false;
        _log.Write(SiteLogEvents.StateChange, "entering phase RUN in state RUN");
        EnterRun();
    }

    /// <summary>At shutdown: tell the peer with MSG7 (if keyed), then erase every key (owner thread).</summary>
    public void Shutdown()
    {
        if (_state == SiteState.Stop) return;
        SendClose(Messages.Msg7.ShuttingDown);
        _stopped = true;
        CancelStateTimer();
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        var k = _keys;
        Publish(SiteKeys.Empty);
        _renegotiationTimer?.Dispose();
        _renegotiationTimer = null;
        DisposeNewKey();
        _state = SiteState.Stop;
        _log.Write(SiteLogEvents.TimeoutKey, "session closed (entering state STOP)");
    }

    /// <summary>A reload removed this site (owner thread, after <see cref="Shutdown"/>): its comms
    /// stop offering it datagrams, so a site of the same name added in its place gets them.</summary>
    internal void Detach()
    {
        foreach (var c in _comms) c.Unregister(this);
    }

    // ---- state changes ----------------------------------------------------------------------

    private void SetState(SiteState s, string? suffix = null)
    {
        _state = s;
        _log.Write(SiteLogEvents.StateChange, suffix is null ? $"entering state {s.LogName()}" : $"entering state {s.LogName()} {suffix}");
    }

    private void EnterRun()
    {
        CancelStateTimer();
        DisposeNewKey();
        _setupPacket = null;
        _setupPeers.Clear();
        bool keyed = _keys.Current is not null;
        SetState(SiteState.Run, keyed ? "(keyed)" : "(unkeyed)");
        UpdateQuality();
        if (_o.Keepalive && !keyed) InitiateKeySetup("keepalive", null);
    }

    private void EnterWait()
    {
        CancelStateTimer();
        DisposeNewKey();
        _setupPacket = null;
        // WAIT follows every exchange given up (timeout, refusal, bad value).
        Counters.KeyExchangeFailures++;
        SetState(SiteState.Wait);
        Span<byte> r = stackalloc byte[1];
        _o.Random.Fill(r);
        long t = _o.EffectiveWaitTimeMs;
        long delay = t + (t / 256) * (sbyte)r[0];
        _stateTimer = _scheduler.Schedule(Math.Max(0, delay), () =>
        {
            _stateTimer = null;
            if (_state == SiteState.Wait) EnterRun();
        });
    }

    private void CancelStateTimer()
    {
        _stateTimer?.Dispose();
        _stateTimer = null;
    }

    private void UpdateQuality()
    {
        // netlink.md §4: only DOWN (1) stops routing; a site that can reach its peer (configured
        // addresses, or one learnt earlier) must stay routable so that traffic starts key setup.
        var q = _keys.Current is not null ? LinkQuality.Up
            : _state is SiteState.Wait or SiteState.Stop ? LinkQuality.Down
            : _o.Addresses.Count > 0 ? LinkQuality.DownCurrentAddress
            : _keys.DataAddresses.Length > 0 ? LinkQuality.DownStaleAddress
            : LinkQuality.Down;
        _link.SetQuality(q);
    }

    // ---- initiation and resolution ----------------------------------------------------------

    /// <summary>secnet's initiate_key_setup: acts only in RUN. False if nothing was started.</summary>
    private bool InitiateKeySetup(string reason, PeerAddress? incoming)
    {
        if (_state != SiteState.Run) return false;
        _log.Write(SiteLogEvents.SetupInit, $"initiating key exchange ({reason})");
        if (_o.Addresses.Count > 0)
        {
            _log.Write(SiteLogEvents.SetupInit, "resolving peer address(es)");
            SetState(SiteState.Resolve);
            _resolveIncoming = incoming;
            StartResolution();
            return true;
        }
        if (!BuildSetupPeers([], incoming))
        {
            _log.Write(SiteLogEvents.SetupInit, "key exchange failed: no address for peer");
            Counters.KeyExchangeFailures++;
            return false;
        }
        EnterSentMsg1();
        return true;
    }

    private void StartResolution()
    {
        int generation = ++_resolveGeneration;
        int pending = _o.Addresses.Count;
        var found = new List<PeerAddress>();
        foreach (var name in _o.Addresses)
        {
            _resolver.Resolve(name, result =>
            {
                if (generation != _resolveGeneration) return;
                CollectResolved(name, result, found);
                if (--pending == 0) ResolutionDone(found);
            });
        }
    }

    private void CollectResolved(string name, ResolveResult result, List<PeerAddress> found)
    {
        if (result.Error is not null)
        {
            _log.Write(SiteLogEvents.SetupInit, $"resolution of {name} failed: {result.Error}");
            return;
        }
        int before = found.Count;
        foreach (var ip in result.Addresses)
        {
            foreach (var comm in _comms)
            {
                if (!comm.Supports(ip.AddressFamily)) continue;
                found.Add(new PeerAddress(comm, new IPEndPoint(ip, _o.Port), _scheduler.NowMs));
            }
        }
        if (found.Count > before)
            _log.Write(SiteLogEvents.PeerAddrs, $"resolution of {name} completed, {found.Count - before} addrs, eg: {found[before]}");
    }

    private void ResolutionDone(List<PeerAddress> found)
    {
        int max = _o.EffectivePeersMax;
        if (found.Count > max)
        {
            _log.Write(SiteLogEvents.SetupInit, $"resolution of supplied addresses yielded too many results ({found.Count} > {max}), some ignored");
            found.RemoveRange(max, found.Count - max);
        }
        if (found.Count > 0)
            _log.Write(SiteLogEvents.SetupInit, $"resolution completed, {found.Count} addrs, eg: {SocketAddresses.Format(SocketAddresses.ToEndPoint(found[0].Address))}");
        if (_state != SiteState.Resolve)
        {
            // A tardy answer (local-mobile responder, or a RUN site): refresh the data addresses.
            if (_state == SiteState.Run && found.Count > 0)
            {
                for (int i = found.Count - 1; i >= 0; i--) _dataPeers.AddFront(found[i]);
                PublishDataAddresses();
                _log.Write(SiteLogEvents.PeerAddrs, "resolved tardily");
            }
            return;
        }
        if (!BuildSetupPeers(found, _resolveIncoming))
        {
            _log.Write(SiteLogEvents.SetupInit, "key exchange failed: cannot find peer address");
            Counters.KeyExchangeFailures++;
            EnterRun();
            return;
        }
        EnterSentMsg1();
    }

    /// <summary>Setup list = configured, then the incoming packet's address, then unexpired data addresses.</summary>
    private bool BuildSetupPeers(List<PeerAddress> configured, PeerAddress? incoming)
    {
        _setupPeers.CopyFrom(_dataPeers);
        _setupPeers.Expire(_scheduler.NowMs, _o.MobilePeerExpirySeconds * 1000L, _o.LocalMobile);
        int old = _setupPeers.Count;
        if (incoming is not null) _setupPeers.AddFront(incoming);
        for (int i = configured.Count - 1; i >= 0; i--) _setupPeers.AddFront(configured[i]);
        _log.Write(SiteLogEvents.SetupInit,
            $"using: {configured.Count} configured addr(s);{(incoming is not null ? " incoming packet address;" : "")} {old} old peer addrs(es)");
        return _setupPeers.Count > 0;
    }

    // ---- sending setup packets --------------------------------------------------------------

    /// <summary>First transmission of a freshly built setup message, with the retry budget reset.</summary>
    private void SendSetupPacket(byte[] packet)
    {
        _setupPacket = packet;
        _retries = _o.EffectiveSetupRetries;
        RetransmitSetupPacket();
    }

    private void RetransmitSetupPacket()
    {
        CancelStateTimer();
        if (_setupPacket is null) return;
        TransmitSetup(_setupPacket, _setupPeers);
        _retries--;
        _stateTimer = _scheduler.Schedule(_o.EffectiveSetupTimeoutMs, OnSetupTimer);
    }

    private void OnSetupTimer()
    {
        _stateTimer = null;
        if (_state is < SiteState.SentMsg1 or > SiteState.SentMsg5) return;
        if (_retries > 0)
        {
            RetransmitSetupPacket();
            return;
        }
        if (_state == SiteState.SentMsg5 && _newKey is not null)
        {
            _log.Write(SiteLogEvents.SetupTimeout, "timed out sending MSG5, stashing new key");
            var k = _keys;
            Publish(k.With(aux: _newKey, auxIsNew: true, clearPending: true));
            DropNewKey();
            RescheduleExpiry();
        }
        else
        {
            _log.Write(SiteLogEvents.SetupTimeout, $"timed out sending key setup packet (in state {_state.LogName()}) (tried {_setupPeers.Describe()})");
        }
        EnterWait();
    }

    /// <summary>Sends to the list in order: a static peer stops at the first success, a mobile one
    /// gets all. Each address is tried once per call, from a copy of the list: a failure reorders
    /// the live list (a local-mobile site moves the failed address to the end), and walking that
    /// list instead spun for ever when every address failed.</summary>
    private void TransmitSetup(byte[] packet, PeerAddressList peers)
    {
        foreach (var p in peers.ToArray())
        {
            bool ok = p.Comm.Send(packet, p.Address);
            DumpPacket("outgoing", packet, p, ok);
            if (!ok)
            {
                peers.OnSendFailed(p, _o.LocalMobile);
                continue;
            }
            Interlocked.Increment(ref Counters._sent);
            Interlocked.Add(ref Counters._bytesSent, packet.Length);
            if (!_o.Mobile) break;
        }
    }

    private void DumpPacket(string direction, ReadOnlySpan<byte> packet, PeerAddress where, bool ok = true)
    {
        if (!_log.On(SiteLogEvents.DumpPackets) || !Messages.PacketHeader.TryParse(packet, out var h)) return;
        _log.Write(SiteLogEvents.DumpPackets, $"{direction}: {h.Dest:x8}<-{h.Source:x8}: {h.Label:x8}: {where}{(ok ? "" : " - fail")}");
    }

    // ---- keys -------------------------------------------------------------------------------

    /// <summary>Publishes a successor snapshot and lets go of the owner's hold on the old one;
    /// keys that only the old one named are erased once no data-path thread uses it.</summary>
    private void Publish(SiteKeys keys)
    {
        Replace(keys);
        UpdateQuality();
    }

    private void Replace(SiteKeys keys)
    {
        var old = _keys;
        Volatile.Write(ref _keys, keys);
        if (keys.RenegotiateAtMs != old.RenegotiateAtMs) ArmRenegotiation(keys.RenegotiateAtMs);
        old.Exit();
    }

    private void PublishDataAddresses() => Publish(_keys.With(dataAddresses: _dataPeers.ToArray()));

    /// <summary>The key exchange's key is given up, or handed to a snapshot that now holds it.</summary>
    private void DropNewKey()
    {
        _newKey?.Material.Release();
        _newKey = null;
    }

    private void DisposeNewKey()
    {
        if (_newKey is null) return;
        if (ReferenceEquals(_keys.Pending, _newKey)) Publish(_keys.With(clearPending: true));
        DropNewKey();
    }

    /// <summary>protocol.md §10.3 "Key activation".</summary>
    private void ActivateNewKey()
    {
        var fresh = _newKey!;
        long now = _scheduler.NowMs;
        var key = new SessionKey(fresh.Material, _setupRemoteIndex, now + _o.EffectiveKeyLifetimeMs);
        var k = _keys;
        _dataPeers.CopyFrom(_setupPeers);
        int ours = _o.EffectiveMtuTarget;
        int intersite = _remoteMtu == 0 ? ours : Math.Min(ours, _remoteMtu);
        Publish(new SiteKeys(key, k.Current, false, null, _dataPeers.ToArray(), now + _o.EffectiveRenegotiateTimeMs, intersite));
        DropNewKey();
        _link.SetMtu(intersite);
        Counters.KeyExchanges++;
        Counters.LastKeyExchange = DateTimeOffset.UtcNow;
        _keyTransformName = _chosenTransform?.Name;
        _log.Write(SiteLogEvents.ActivateKey, $"new key activated (mtu ours={ours} theirs={_remoteMtu} intersite={intersite})");
        RescheduleExpiry();
        EnterRun();
    }

    private void RescheduleExpiry()
    {
        _expiryTimer?.Dispose();
        _expiryTimer = null;
        var k = _keys;
        long next = Math.Min(k.Current?.ExpiresAtMs ?? long.MaxValue, k.Aux?.ExpiresAtMs ?? long.MaxValue);
        if (next == long.MaxValue) return;
        _expiryTimer = _scheduler.Schedule(Math.Max(0, next - _scheduler.NowMs), OnKeyExpiry);
    }

    private void OnKeyExpiry()
    {
        _expiryTimer = null;
        long now = _scheduler.NowMs;
        var k = _keys;
        if (k.Current is { } c && now >= c.ExpiresAtMs)
        {
            _log.Write(SiteLogEvents.TimeoutKey, "current key deleted (maximum life exceeded)");
            Publish(k = k.With(clearCurrent: true));
        }
        if (k.Aux is { } a && now >= a.ExpiresAtMs)
        {
            _log.Write(SiteLogEvents.TimeoutKey, "auxiliary key deleted (maximum life exceeded)");
            Publish(k.With(clearAux: true, auxIsNew: false));
        }
        RescheduleExpiry();
        if (_o.Keepalive && _keys.Current is null && _state == SiteState.Run) InitiateKeySetup("keepalive", null);
    }

    private PeerAddress NewPeerAddress(IComm comm, SocketAddress source) =>
        new(comm, SocketAddresses.Copy(source), _scheduler.NowMs);

}
