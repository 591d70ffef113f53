#!/bin/bash
# daemon-background.sh IMPL_B: both sites start in the background (no -n) with a pidfile. The
# launcher exits 0 only once the daemon is up (tun device present at that moment); the pidfile
# names the running daemon (not the launcher); the tunnel works; SIGTERM stops alpha, removes its
# pidfile, and bravo (IMPL_B) logs that the peer closed the session (MSG7).
. "$(dirname "$0")/lib.sh"
VPN_IMPL_B=$1
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
for side in alpha bravo; do
  impl=ours; [ "$side" = bravo ] && impl=$VPN_IMPL_B
  e2e_start_bg "$side" "$impl" || fail "$side: background start exited $?"
  # Debian's parent exits at once (runtime.md §3), so only ours is held to "up on exit".
  [ "$impl" = real ] && { vpn_wait_tun "$side"; sleep 0.5; cat "$VPN_DIR/$side.pid" >"$VPN_DIR/$side.runner"; }
  ip -n "$(e2e_ns "$side")" link show "${VPN_PREFIX}-$side" >/dev/null 2>&1 \
    || fail "$side: launcher exited 0 before the tun device existed"
  [ -s "$VPN_DIR/$side.pid" ] || fail "$side: no pidfile after start"
  pid=$(cat "$VPN_DIR/$side.pid")
  kill -0 "$pid" 2>/dev/null || fail "$side: pidfile names $pid, which is not running"
  [ "$(readlink /proc/"$pid"/ns/net)" = "$(ip netns exec "$(e2e_ns "$side")" readlink /proc/self/ns/net)" ] \
    || fail "$side: pid $pid is not in the side's namespace"
  grep -q secnet /proc/"$pid"/cmdline || fail "$side: pid $pid is not secnet"
  # setsid: the daemon leads its own session, detached from the launcher's terminal.
  [ "$(awk '{print $6}' /proc/"$pid"/stat)" = "$pid" ] || fail "$side: daemon is not a session leader"
done
e2e_ping alpha 30 || fail "no answer to alpha's ping through the tunnel"
e2e_ping bravo 10 || fail "no answer to bravo's ping through the tunnel"
e2e_transfer 2 || fail "TCP transfer"
pid=$(cat "$VPN_DIR/alpha.pid")
kill -TERM "$pid"
e2e_wait_gone "$pid" 10 || fail "alpha did not stop after SIGTERM"
[ -e "$VPN_DIR/alpha.pid" ] && fail "alpha's pidfile was not removed"
e2e_count alpha 'finished' >/dev/null || fail "alpha did not log 'finished'"
e2e_wait_log bravo 'session closed \(request from peer\)' 5 || fail "bravo did not see alpha's MSG7"
echo "PASS: daemon-background $*"
