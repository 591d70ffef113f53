#!/bin/bash
# wrong-key.sh IMPL_A IMPL_B: bravo is configured with a wrong public key for alpha: no tunnel,
# a security log line at bravo, and both daemons keep running.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2
vpn_setup || fail setup
vpn_write_configs || fail configs
# Replace alpha's key as bravo knows it with a fresh, unrelated key.
mkdir -p "$VPN_DIR/other"; VPN_DIR_SAVE=$VPN_DIR
"$SECNET_KEYGEN" -b 2048 -C wrong -f "$VPN_DIR/other/wrong.key" | sed -n 's/;$//; /^rsa-public/p' >"$VPN_DIR/other/wrong.conf"
python3 - "$VPN_DIR/bravo.conf" "$(cat "$VPN_DIR/alpha.key.conf")" "$(cat "$VPN_DIR/other/wrong.conf")" <<'PY'
import sys
p, old, new = sys.argv[1:]
s = open(p).read(); assert old in s; open(p, "w").write(s.replace(old, new))
PY
vpn_start || fail start
if e2e_ping alpha 8; then fail "tunnel came up with a wrong key"; fi
n=$(e2e_count bravo 'signature failed|failed check')
[ "$n" -ge 1 ] || fail "no signature failure logged at bravo"
for side in alpha bravo; do kill -0 "$(vpn_pid $side)" 2>/dev/null || fail "$side died"; done
echo "PASS: wrong key $*"
