#!/bin/bash
# rekey.sh IMPL_A IMPL_B: short key-lifetime; a transfer spanning several key lifetimes arrives
# intact and at least three new keys are activated.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2
# Appended to what the caller set (the crypto-workers variant of the test).
VPN_EXTRA_A="${VPN_EXTRA_A:-} key-lifetime 3000; renegotiate-time 1500;"
VPN_EXTRA_B="${VPN_EXTRA_B:-} key-lifetime 3000; renegotiate-time 1500;"
e2e_up
e2e_ping alpha 30 || fail "no tunnel"
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt 12 ]; do
  e2e_transfer 4 || fail "transfer during rekeying"
done
n=$(e2e_count alpha 'new key activated|key setup complete')
m=$(e2e_count bravo 'new key activated|key setup complete')
echo "key activations: alpha $n, bravo $m"
[ "$n" -ge 3 ] && [ "$m" -ge 3 ] || fail "fewer than three rekeys (alpha $n, bravo $m)"
echo "PASS: rekey $*"
