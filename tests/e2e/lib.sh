# shellcheck shell=bash
# Common parts of the end-to-end scenarios: each scenario sources this, sets VPN_* and calls
# e2e_up; everything is torn down on exit, even on failure.
set -uo pipefail
E2E_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${VPN_PREFIX:=e2e$(( $$ % 10000 ))}"  # interface names must stay within 15 bytes
export VPN_PREFIX
VPN_DIR=$(mktemp -d "/tmp/${VPN_PREFIX}.XXXXXX"); export VPN_DIR
. "$E2E_REPO/scripts/vpn-netns.sh"

e2e_dump() {
  local f
  for f in "$VPN_DIR"/alpha.out "$VPN_DIR"/bravo.out "$VPN_DIR"/alpha.log "$VPN_DIR"/bravo.log; do
    [ -s "$f" ] && { echo "---- $f (last 30 lines)"; tail -30 "$f"; }
  done
}
fail() { echo "FAIL: $*"; e2e_dump; exit 1; }
e2e_cleanup() { vpn_teardown; rm -rf "$VPN_DIR"; }
trap e2e_cleanup EXIT

e2e_up() {
  vpn_setup || fail "namespace setup"
  vpn_write_configs || fail "configuration"
  vpn_start || fail "daemons did not start"
}

# e2e_ping FROM_SIDE TIMEOUT: ping the other side's host address through the tunnel until it answers
e2e_ping() {
  local ns=$VPN_NS_A dst=192.0.2.129 deadline
  [ "$1" = bravo ] && { ns=$VPN_NS_B; dst=192.0.2.1; }
  deadline=$(( $(date +%s) + ${2:-30} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ip netns exec "$ns" ping -c 1 -W 1 "$dst" >/dev/null 2>&1 && return 0
  done
  return 1
}

# e2e_transfer MBYTES: TCP transfer alpha -> bravo through the tunnel; fails unless the SHA-256
# of what arrived equals what was sent.
e2e_transfer() {
  local mb=$1 port=${2:-5001}
  head -c "$((mb * 1048576))" /dev/urandom >"$VPN_DIR/payload"
  ip netns exec "$VPN_NS_B" python3 - "$port" >"$VPN_DIR/received.sha" 2>&1 <<'PY' &
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("192.0.2.129", int(sys.argv[1]))); s.listen(1); s.settimeout(120)
c, _ = s.accept(); c.settimeout(120); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
print(h.hexdigest(), n)
PY
  local srv=$!
  sleep 0.5
  ip netns exec "$VPN_NS_A" python3 - "$port" "$VPN_DIR/payload" <<'PY' || { kill $srv 2>/dev/null; return 1; }
import socket, sys, time
for attempt in range(50):
    try:
        c = socket.create_connection(("192.0.2.129", int(sys.argv[1])), timeout=5); break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("cannot connect through the tunnel")
c.settimeout(120)
with open(sys.argv[2], "rb") as f: c.sendall(f.read())
c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
PY
  wait $srv || return 1
  local sent got
  sent="$(sha256sum <"$VPN_DIR/payload" | cut -d' ' -f1) $((mb * 1048576))"
  got=$(cat "$VPN_DIR/received.sha")
  [ "$sent" = "$got" ] || { echo "transfer mismatch: sent $sent, received $got"; return 1; }
}

# e2e_count SIDE REGEX: how many log lines of a side match
e2e_count() { cat "$VPN_DIR/$1.out" "$VPN_DIR/$1.log" 2>/dev/null | grep -cE "$2"; }
