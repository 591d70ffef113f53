#!/bin/bash
# peer-keys.sh IMPL_A IMPL_B INITIATOR CASE: both sites configured the 0.6.7 way for key rollover
# (sites file with pkg/pkgf/pub lines, make-secnet-sites --pubkeys-install, key-cache priv-cache);
# INITIATOR's ping starts the exchange. CASE:
#   one       one key each, non-zero group ids
#   four      alpha publishes four groups but holds only the third private key; bravo publishes
#             the legacy key as a fallback group and a new group: alpha signs with key #2,
#             bravo accepts only its new group (the fallback is offered too, as 0.6.7 does)
#   wrong     bravo's key set names alpha's group with another key: no tunnel, 0.6.7's log line
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/peerkeys-lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2 initiator=$3 case=$4
other=bravo; [ "$initiator" = bravo ] && other=alpha
PK_GROUPS_alpha=5dc36a47 PK_GROUPS_bravo=11223344
case $case in
  four) PK_GROUPS_alpha="a0000001 a0000002 a0000003 a0000004" PK_HELD_alpha=a0000003
        PK_GROUPS_bravo="f:00000000 b0000001" ;;
esac
vpn_setup || fail "namespace setup"
pk_write_configs || fail "configuration"
if [ "$case" = wrong ]; then
  wrongpub=$(pk_keygen wrong 5dc36a47) || fail "keygen"
  f=$VPN_DIR/bravo/pubkeys/peer.alpha~update
  # base91s uses most punctuation, so no sed; it has no backslash, so awk -v keeps it intact.
  awk -v pub="$wrongpub" '/^pub rsa1 /{print pub; next} {print}' "$f" >"$f.new" && mv "$f.new" "$f"
  grep -qxF "$wrongpub" "$f" || fail "could not replace alpha's key"
fi
vpn_start || fail "daemons did not start"

# want SIDE REGEX: the side's log has a matching line
want() { [ "$(e2e_count "$1" "$2")" -gt 0 ] || fail "$1 logged no line matching: $2"; }

if [ "$case" = wrong ]; then
  if e2e_ping "$initiator" 8; then fail "tunnel came up with a wrong key"; fi
  want bravo 'test/here/bravo<->test/here/alpha: msg3/msg4 signature failed check! \(key #0 5dc36a4700\)'
  for side in alpha bravo; do kill -0 "$(vpn_pid $side)" 2>/dev/null || fail "$side died"; done
  echo "PASS: peer-keys $*"; exit 0
fi

e2e_ping "$initiator" 30 || fail "no answer to $initiator's ping through the tunnel"
e2e_ping "$other" 10 || fail "no answer to $other's ping through the tunnel"
for side in alpha bravo; do
  want $side "keys from $VPN_DIR/$side/pubkeys/peer\\.[a-z]*~proc \\(update\\) are newer, installing"
  [ -f "$VPN_DIR/$side/pubkeys/peer.$([ $side = alpha ] && echo bravo || echo alpha)" ] || fail "$side did not install its live key set"
done
A='test/here/alpha<->test/here/bravo' B='test/here/bravo<->test/here/alpha'
case $case in
  one)
    want alpha "$A: using private key #0 5dc36a4700"
    want bravo "$B: verified peer signature with key #0 5dc36a4700"
    want bravo "$B: using private key #0 1122334400"
    want alpha "$A: verified peer signature with key #0 1122334400" ;;
  four)
    want alpha "$A: using private key #2 a000000300"
    want bravo "$B: verified peer signature with key #2 a000000300"
    # alpha offers bravo's fallback (legacy) group first, so bravo signs with key 0000000000.
    want bravo "$B: using private key #0 0000000000"
    want alpha "$A: verified peer signature with key #0 0000000000" ;;
esac
echo "PASS: peer-keys $*"
