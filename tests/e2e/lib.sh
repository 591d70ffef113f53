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

# e2e_three_sides: the three-site topology (reload.sh, rollover.sh): namespaces, underlay
# addresses, tunnel networks, host and secnet addresses per side.
e2e_three_sides() {
  NS_A=${VPN_PREFIX}-a NS_B=${VPN_PREFIX}-b NS_C=${VPN_PREFIX}-c NS_U=${VPN_PREFIX}-u
  SIDES="alpha bravo charlie"
  declare -gA NS=([alpha]=$NS_A [bravo]=$NS_B [charlie]=$NS_C)
  declare -gA UNDER=([alpha]=198.51.100.1 [bravo]=198.51.100.2 [charlie]=198.51.100.3)
  declare -gA NET=([alpha]=192.0.2.0/26 [bravo]=192.0.2.64/26 [charlie]=192.0.2.128/26)
  declare -gA HOST=([alpha]=192.0.2.1 [bravo]=192.0.2.65 [charlie]=192.0.2.129)
  declare -gA SECADDR=([alpha]=192.0.2.2 [bravo]=192.0.2.66 [charlie]=192.0.2.130)
}

# e2e_bridge_sides: one underlay bridge in namespace $NS_U and, for each side in $SIDES, the
# namespace ${NS[side]} joined to it by a veth with address ${UNDER[side]}/24 (the scenarios with
# three sites: reload.sh, rollover.sh).
e2e_bridge_sides() {
  local side i=0
  ip netns add "$NS_U" || return 1
  ip -n "$NS_U" link add br0 type bridge && ip -n "$NS_U" link set br0 up || return 1
  for side in $SIDES; do
    i=$((i + 1))
    ip netns add "${NS[$side]}" || return 1
    ip link add "${VPN_PREFIX}u$i" netns "$NS_U" type veth peer name "${VPN_PREFIX}s$i" netns "${NS[$side]}" || return 1
    ip -n "$NS_U" link set "${VPN_PREFIX}u$i" master br0 up
    ip -n "${NS[$side]}" addr add "${UNDER[$side]}/24" dev "${VPN_PREFIX}s$i"
    ip -n "${NS[$side]}" link set "${VPN_PREFIX}s$i" up
    ip -n "${NS[$side]}" link set lo up
  done
}

# e2e_bridge_teardown: kills everything in the sides' namespaces and the bridge's, and deletes them.
e2e_bridge_teardown() {
  local side ns
  for ns in $(for side in $SIDES; do echo "${NS[$side]}"; done) "$NS_U"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  return 0
}

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

# ---- daemon-runtime helpers (tests/e2e/daemon-*.sh) ----
e2e_ns() { if [ "$1" = bravo ]; then echo "$VPN_NS_B"; else echo "$VPN_NS_A"; fi; }

# e2e_start_bg SIDE [IMPL]: starts secnet WITHOUT -n (background); returns the launcher's exit
# status, which must only be 0 once the daemon is up. The daemon's pid (from the pidfile) becomes
# the side's runner pid so vpn_stop/teardown reach it.
e2e_start_bg() {
  local side=$1 bin rc
  bin=$(vpn_binary "${2:-ours}")
  rm -f "$VPN_DIR/$side.log"
  (cd "$VPN_DIR" && exec ip netns exec "$(e2e_ns "$side")" "$bin" ${VPN_ARGS:-} -c "$VPN_DIR/$side.conf" \
    >"$VPN_DIR/$side.out" 2>&1)
  rc=$?
  [ -s "$VPN_DIR/$side.pid" ] && cat "$VPN_DIR/$side.pid" >"$VPN_DIR/$side.runner"
  return $rc
}

# e2e_system_key SIDE 'LINE;': adds a line to the side's system { } dictionary
e2e_system_key() { sed -i "/^system {/a\\	$2" "$VPN_DIR/$1.conf"; }

# e2e_wait_gone PID SECONDS
e2e_wait_gone() {
  local i
  for i in $(seq 1 $(( ${2:-5} * 10 ))); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# e2e_wait_log SIDE REGEX SECONDS: waits until the side's log has a matching line
e2e_wait_log() {
  local i
  for i in $(seq 1 $(( ${3:-5} * 10 ))); do [ "$(e2e_count "$1" "$2")" -gt 0 ] && return 0; sleep 0.1; done
  return 1
}

# e2e_fake_monitor SIDE: writes $VPN_DIR/SIDE.monitor, a polypath monitor-command that records its
# pid in SIDE.monitor.pid and prints the lines appended to SIDE.monitor.in, for as long as it runs.
e2e_fake_monitor() {
  : >"$VPN_DIR/$1.monitor.in"
  printf '#!/bin/sh\necho $$ >"%s"\nexec tail -n +1 -f "%s"\n' "$VPN_DIR/$1.monitor.pid" "$VPN_DIR/$1.monitor.in" \
    >"$VPN_DIR/$1.monitor"
  chmod +x "$VPN_DIR/$1.monitor"
}
