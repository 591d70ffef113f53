using Secnet.Crypto;
using Secnet.Keys;
using Secnet.Packets;
using Secnet.Sites.Messages;
using Secnet.Transforms;

namespace Secnet.Sites;

public sealed partial class Site
{
    // ---- MSG1 -------------------------------------------------------------------------------

    private void OnMsg1(byte[] packet, PeerAddress from)
    {
        if (!Msg1.TryParse(packet, out var m)) { Malformed("msg1"); return; }
        switch (_state)
        {
            case SiteState.Run:
            case SiteState.Resolve:
            case SiteState.Wait:
                RespondToMsg1(m, from);
                break;
            case SiteState.SentMsg1:
                if (WeWinCrossedMsg1(m.SenderExtra.Capabilities))
                {
                    if (!_crossedLogged) _log.Write(SiteLogEvents.SetupInit, "crossed msg1s; we are higher priority => ignore incoming msg1");
                    _crossedLogged = true;
                    return;
                }
                _log.Write(SiteLogEvents.SetupInit, "crossed msg1s; we are lower priority => use incoming msg1");
                RespondToMsg1(m, from);
                break;
            case SiteState.SentMsg2:
            case SiteState.SentMsg4:
                if (m.Nonce.SequenceEqual(_remoteNonce)) LearnSetupAddress(from);
                else _log.Write(SiteLogEvents.Unexpected, "competing incoming message 1");
                break;
            default:
                Unexpected("incoming message 1");
                break;
        }
    }

    /// <summary>protocol.md §10.4: mobile priority if both advertise bit 31, else the greater name wins.</summary>
    private bool WeWinCrossedMsg1(uint theirCaps)
    {
        if ((_capabilities & theirCaps & MobilePriorityCapability) != 0)
        {
            if (_o.LocalMobile) return true;
            if (_o.Mobile) return false;
        }
        return _direction;
    }

    private void RespondToMsg1(in Msg1 m, PeerAddress from)
    {
        if (!TakeKeySnapshot()) return;
        CancelStateTimer();
        _resolveGeneration++;
        DisposeNewKey();
        _setupRemoteIndex = m.Header.Source;
        _remoteCapabilities = m.SenderExtra.Capabilities;
        m.Nonce.CopyTo(_remoteNonce);
        BuildSetupPeers([], from);
        _log.Write(SiteLogEvents.SetupInit, "key setup initiated by peer");
        SetState(SiteState.SentMsg2);
        _o.Random.Fill(_localNonce);
        var msg2 = new Msg2
        {
            Header = new PacketHeader(_setupRemoteIndex, LocalIndex, MessageLabel.Msg2),
            SenderName = _localName, ReceiverName = _peerName,
            SenderExtra = new NameExtra { Capabilities = _capabilities, KeyIds = _exchangeKeys.WireIds() },
            SenderNonce = _localNonce, ReceiverNonce = _remoteNonce,
        };
        var bytes = new byte[msg2.Length];
        msg2.Write(bytes);
        SendSetupPacket(bytes);
        if (_o.LocalMobile && _o.Addresses.Count > 0) StartResolution();
    }

    private void EnterSentMsg1()
    {
        _crossedLogged = false;
        SetState(SiteState.SentMsg1);
        if (!TakeKeySnapshot())
        {
            EnterWait();
            return;
        }
        _o.Random.Fill(_localNonce);
        var msg1 = new Msg1
        {
            Header = new PacketHeader(0, LocalIndex, MessageLabel.Msg1),
            SenderName = _localName, ReceiverName = _peerName,
            SenderExtra = new NameExtra { Capabilities = _capabilities },
            Nonce = _localNonce,
        };
        var bytes = new byte[msg1.Length];
        msg1.Write(bytes);
        SendSetupPacket(bytes);
    }

    // ---- MSG2 -------------------------------------------------------------------------------

    private bool CheckNames(ReadOnlySpan<byte> sender, ReadOnlySpan<byte> receiver, string msg)
    {
        if (!sender.SequenceEqual(_peerName)) return Security($"{msg}: wrong remote site name");
        if (!receiver.SequenceEqual(_localName)) return Security($"{msg}: wrong local site name");
        return true;
    }

    private bool Security(string text)
    {
        _log.Write(SiteLogEvents.Security, text);
        return false;
    }

    private void OnMsg2(byte[] packet, PeerAddress from)
    {
        if (_state is SiteState.SentMsg3 or SiteState.SentMsg5)
        {
            if (Msg2.TryParse(packet, out var dup) && dup.ReceiverNonce.SequenceEqual(_localNonce)) LearnSetupAddress(from);
            return;
        }
        if (_state != SiteState.SentMsg1) { Unexpected("MSG2"); return; }
        if (!Msg2.TryParse(packet, out var m)) { Malformed("msg2"); return; }
        if (!CheckNames(m.SenderName, m.ReceiverName, "msg2")
            || (!m.ReceiverNonce.SequenceEqual(_localNonce) && !Security("msg2: wrong locally-generated nonce")))
        {
            _log.Write(SiteLogEvents.Security, "invalid MSG2");
            return;
        }
        uint theirs = m.SenderExtra.Capabilities & 0xffff;
        if (theirs == 0) theirs = 1u << Msg3.ImplicitTransform;
        ITransform? chosen = null;
        foreach (var t in _o.Transforms)
        {
            if ((theirs & (1u << t.CapabilityBit)) != 0) { chosen = t; break; }
        }
        if (chosen is null)
        {
            _log.Write(SiteLogEvents.Errors, $"no transforms in common (us 0x{_capabilities:x}; them: 0x{m.SenderExtra.Capabilities:x})");
            _log.Write(SiteLogEvents.Security, "invalid MSG2");
            return;
        }
        _setupRemoteIndex = m.Header.Source;
        _remoteCapabilities = m.SenderExtra.Capabilities;
        m.SenderNonce.CopyTo(_remoteNonce);
        _chosenTransform = chosen;
        var peerWants = PeerWants(m.SenderExtra);
        LearnSetupAddress(from);
        SetState(SiteState.SentMsg3);
        if (!ChooseSigningKey(peerWants, SiteState.SentMsg3, out int keyIndex, out var signingKey)) return;
        DrawDhSecret();
        var msg3 = new Msg3
        {
            Header = new PacketHeader(_setupRemoteIndex, LocalIndex, (m.SenderExtra.Capabilities & 0xffff) != 0 ? MessageLabel.Msg3Bis : MessageLabel.Msg3),
            SenderName = _localName, ReceiverName = _peerName,
            SenderExtra = new NameExtra
            {
                Capabilities = _capabilities, Mtu = (ushort)_o.EffectiveMtuTarget,
                KeyIds = _exchangeKeys.WireIds(), KeyIndex = (byte)keyIndex,
            },
            SenderNonce = _localNonce, ReceiverNonce = _remoteNonce,
            Transform = (byte)chosen.CapabilityBit,
            DhPublic = _o.Dh.MakePublic(_dhSecret),
        };
        var signed = new byte[msg3.SignedPartLength];
        msg3.Write(signed, withSignature: false);
        msg3.Signature = signingKey!.Sign(signed);
        var bytes = new byte[msg3.Length];
        msg3.Write(bytes);
        SendSetupPacket(bytes);
    }

    /// <summary>Before the exchange's first message: installs a pending key-set update and
    /// keeps the set for the whole exchange. False (logged) if we accept no key of the peer.</summary>
    private bool TakeKeySnapshot()
    {
        var set = _peerKeySource.Refresh(text => _log.Write(SiteLogEvents.SigKeys, text));
        if (set.Count == 0)
        {
            _log.Write(SiteLogEvents.SetupInit, "no peer public keys, abandoning key setup");
            return false;
        }
        _exchangeKeys = set;
        return true;
    }

    /// <summary>The key ids the peer accepts from us, in its order (the first four count).</summary>
    private static List<KeyId> PeerWants(in NameExtra extra)
    {
        int n = Math.Min(extra.KeyIdCount, NameExtra.MaxUsedKeyIds);
        var ids = new List<KeyId>(n);
        for (int i = 0; i < n; i++) ids.Add(KeyId.Read(extra.KeyId(i)));
        return ids;
    }

    /// <summary>Our signing key for MSG3/MSG4; else logged as 0.6.7 does and the exchange given up.</summary>
    private bool ChooseSigningKey(List<KeyId> peerWants, SiteState state, out int index, out ISigningKey? key)
    {
        if (SigningKeyChoice.TryChoose(peerWants, _privateKeys, out index, out key))
        {
            _log.Write(SiteLogEvents.SigKeys, $"using private key #{index} {peerWants[index]}");
            return true;
        }
        _log.Write(SiteLogEvents.SigKeys, $"no suitable private key, peer wanted {string.Join(' ', peerWants)}");
        SetupError(state);
        return false;
    }

    private void SetupError(SiteState state)
    {
        _log.Write(SiteLogEvents.Errors, $"error entering state {state.LogName()}");
        EnterWait();
    }

    private void DrawDhSecret()
    {
        _dhSecret = new byte[_o.Dh.SecretLength];
        _o.Random.Fill(_dhSecret);
    }

    /// <summary>protocol.md §6: shared secret of the transform's key length (or the DH ceil length), keyed with our direction.
    /// False (and logged) when the peer's value is refused.</summary>
    private bool DeriveKey(ReadOnlySpan<byte> peerPublic)
    {
        var transform = _chosenTransform!;
        int len = transform.KeyLength != 0 ? transform.KeyLength : _o.Dh.CeilLength;
        var secret = new byte[len];
        try
        {
            switch (_o.Dh.MakeShared(_dhSecret, peerPublic, secret))
            {
                case DhPeerValue.Unparsable:
                    _log.Write(SiteLogEvents.Security, "peer sent unparsable DH public value");
                    return false;
                case DhPeerValue.OutOfRange:
                    // Signed by the peer, so a retransmission would carry the same value:
                    // give this exchange up now rather than at the setup timeout.
                    _log.Write(SiteLogEvents.Security, "peer sent DH public value out of range (not 1 < y < p-1), abandoning key exchange");
                    EnterWait();
                    return false;
            }
            _log.Write(SiteLogEvents.SetupInit,
                $"key exchange negotiated transform {transform.CapabilityBit} (capabilities ours=0x{_capabilities:x} theirs=0x{_remoteCapabilities:x})");
            DisposeNewKey();
            var instance = transform.CreateInstance();
            instance.SetKey(secret, _direction);
            _newKey = new SessionKey(new KeyMaterial(instance), _setupRemoteIndex, long.MaxValue);
            return true;
        }
        finally
        {
            Array.Clear(secret);
            Array.Clear(_dhSecret!);
            _dhSecret = null;
        }
    }

    /// <summary>Checks a MSG3/MSG4 signature with the key the peer says it used: an index into
    /// the list this exchange offered.</summary>
    private bool CheckSignature(int keyIndex, ReadOnlySpan<byte> signed, ReadOnlySpan<byte> signature)
    {
        var key = _exchangeKeys.Keys[keyIndex];
        if (!key.Key.Verify(signed, signature))
            return Security($"msg3/msg4 signature failed check! (key #{keyIndex} {key.Id})");
        _log.Write(SiteLogEvents.SigKeys, $"verified peer signature with key #{keyIndex} {key.Id}");
        return true;
    }

    // ---- MSG3 -------------------------------------------------------------------------------

    private void OnMsg3(byte[] packet, PeerAddress from)
    {
        if (_state == SiteState.SentMsg4)
        {
            if (Msg3.TryParse(packet, out var dup) && dup.ReceiverNonce.SequenceEqual(_localNonce)) LearnSetupAddress(from);
            return;
        }
        if (_state != SiteState.SentMsg2) { Unexpected("MSG3"); return; }
        if (!Msg3.TryParse(packet, out var m) || m.SenderExtra.KeyIndex >= _exchangeKeys.Count) { Malformed("msg3"); return; }
        if (!CheckNames(m.SenderName, m.ReceiverName, "msg3")) return;
        if (!m.SenderNonce.SequenceEqual(_remoteNonce)) { Security("msg3: wrong remotely-generated nonce"); return; }
        if (!m.ReceiverNonce.SequenceEqual(_localNonce)) { Security("msg3: wrong locally-generated nonce"); return; }
        uint added = m.SenderExtra.Capabilities & EarlyCapabilities & ~_remoteCapabilities;
        if (added != 0)
        {
            Security($"msg3 impermissibly adds early capability flag(s) 0x{added:x} (was 0x{_remoteCapabilities:x}, now 0x{m.SenderExtra.Capabilities:x})");
            return;
        }
        ITransform? chosen = null;
        foreach (var t in _o.Transforms)
        {
            if (t.CapabilityBit == m.Transform) { chosen = t; break; }
        }
        if (chosen is null) { Security($"peer chose unknown-to-us transform {m.Transform}!"); return; }
        if (!CheckSignature(m.SenderExtra.KeyIndex, packet.AsSpan(0, m.SignedLength), m.Signature)) return;
        _remoteCapabilities = m.SenderExtra.Capabilities;
        _remoteMtu = m.SenderExtra.Mtu;
        _chosenTransform = chosen;
        var peerWants = PeerWants(m.SenderExtra);
        LearnSetupAddress(from);
        DrawDhSecret();
        var myPublic = _o.Dh.MakePublic(_dhSecret);
        if (!DeriveKey(m.DhPublic)) return;
        SetState(SiteState.SentMsg4);
        if (!ChooseSigningKey(peerWants, SiteState.SentMsg4, out int keyIndex, out var signingKey)) return;
        var msg4 = new Msg4
        {
            Header = new PacketHeader(_setupRemoteIndex, LocalIndex, MessageLabel.Msg4),
            SenderName = _localName, ReceiverName = _peerName,
            SenderExtra = new NameExtra { Capabilities = _capabilities, Mtu = (ushort)_o.EffectiveMtuTarget, KeyIndex = (byte)keyIndex },
            SenderNonce = _localNonce, ReceiverNonce = _remoteNonce,
            DhPublic = myPublic,
        };
        var signed = new byte[msg4.SignedPartLength];
        msg4.Write(signed, withSignature: false);
        msg4.Signature = signingKey!.Sign(signed);
        var bytes = new byte[msg4.Length];
        msg4.Write(bytes);
        SendSetupPacket(bytes);
    }

    // ---- MSG4 -------------------------------------------------------------------------------

    private void OnMsg4(byte[] packet, PeerAddress from)
    {
        if (_state == SiteState.SentMsg5)
        {
            if (Msg4.TryParse(packet, out var dup) && dup.ReceiverNonce.SequenceEqual(_localNonce)) LearnSetupAddress(from);
            return;
        }
        if (_state != SiteState.SentMsg3) { Unexpected("MSG4"); return; }
        if (!Msg4.TryParse(packet, out var m) || m.SenderExtra.KeyIndex >= _exchangeKeys.Count) { Malformed("msg4"); return; }
        if (!CheckNames(m.SenderName, m.ReceiverName, "msg4")) return;
        if (!m.SenderNonce.SequenceEqual(_remoteNonce)) { Security("msg4: wrong remotely-generated nonce"); return; }
        if (!m.ReceiverNonce.SequenceEqual(_localNonce)) { Security("msg4: wrong locally-generated nonce"); return; }
        if (m.SenderExtra.Capabilities != _remoteCapabilities) { Security("msg4: remote capabilities changed"); return; }
        if (!CheckSignature(m.SenderExtra.KeyIndex, packet.AsSpan(0, m.SignedLength), m.Signature)) return;
        _remoteMtu = m.SenderExtra.Mtu;
        LearnSetupAddress(from);
        if (!DeriveKey(m.DhPublic)) return;
        SetState(SiteState.SentMsg5);
        var bytes = BuildConfirmation(MessageLabel.Msg5, _newKey!);
        if (bytes is null) { SetupError(SiteState.SentMsg5); return; }
        // MSG0s that open only with the new key activate it (protocol.md §10.3).
        Publish(_keys.With(pending: _newKey));
        SendSetupPacket(bytes);
    }

    /// <summary>MSG5/MSG6: header + the key's transform of the 4-byte label.</summary>
    private byte[]? BuildConfirmation(uint label, SessionKey key)
    {
        var buf = new PacketBuffer(PacketBuffer.DefaultHeadroom + 4 + Packets.BufferPool.DefaultTailroom);
        buf.TryAppend(4, out var body);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body, label);
        TransformResult r;
        lock (_send.Gate) r = key.Transform.Forward(buf);
        if (r != TransformResult.Ok || !buf.TryPrepend(PacketHeader.Length, out var head)) return null;
        new PacketHeader(key.RemoteIndex, LocalIndex, label).Write(head);
        return buf.Data.ToArray();
    }

    /// <summary>Decrypts a MSG5/MSG6 copy with <paramref name="key"/>; true iff its first word is the label.</summary>
    private bool OpenConfirmation(byte[] packet, uint label, SessionKey key)
    {
        var buf = new PacketBuffer(packet.Length + PacketBuffer.DefaultHeadroom);
        buf.CopyFrom(packet);
        buf.TryTrimFront(PacketHeader.Length);
        TransformResult r;
        lock (_receive.WindowLock) r = key.Transform.Reverse(buf, out _);
        return r == TransformResult.Ok && buf.Length >= 4
            && System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(buf.Data) == label;
    }

    // ---- MSG5 / MSG6 ------------------------------------------------------------------------

    private void OnMsg5(byte[] packet, PeerAddress from)
    {
        if (_state == SiteState.SentMsg4)
        {
            if (!OpenConfirmation(packet, MessageLabel.Msg5, _newKey!)) { Security("msg5: cannot decrypt"); return; }
            LearnSetupAddress(from);
            var msg6 = BuildConfirmation(MessageLabel.Msg6, _newKey!);
            CancelStateTimer();
            _log.Write(SiteLogEvents.StateChange, "entering state RUN");
            if (msg6 is not null) TransmitSetup(msg6, _setupPeers);
            ActivateNewKey();
            return;
        }
        if (_state == SiteState.Run && _keys.Current is { } current)
        {
            if (!OpenConfirmation(packet, MessageLabel.Msg5, current)) { Unexpected("MSG5"); return; }
            _log.Write(SiteLogEvents.SetupInit, "got MSG5, retransmitting MSG6");
            var msg6 = BuildConfirmation(MessageLabel.Msg6, current);
            if (msg6 is not null) TransmitSetup(msg6, _dataPeers);
            return;
        }
        Unexpected("MSG5");
    }

    private void OnMsg6(byte[] packet, PeerAddress from)
    {
        if (_state != SiteState.SentMsg5 || _newKey is null) { Unexpected("MSG6"); return; }
        if (!OpenConfirmation(packet, MessageLabel.Msg6, _newKey)) { Security("msg6: cannot decrypt"); return; }
        LearnSetupAddress(from);
        ActivatePendingKey();
    }

    /// <summary>Activation at the initiator: the pending key leaves the snapshot's Pending slot.</summary>
    private void ActivatePendingKey()
    {
        Replace(_keys.With(clearPending: true));
        ActivateNewKey();
    }
}
