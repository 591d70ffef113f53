#!/bin/bash
# daemon-signals.sh IMPL_A: alpha runs in the background with a logfile.
#  SIGHUP after the log was moved away (logrotate's way): new lines go to a new file at the old
#  name, the moved file gets none of them.
#  SIGUSR1: the routing table (with the live tunnel's quality and use counts) appears in the log.
. "$(dirname "$0")/lib.sh"
impl=$1
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
e2e_start_bg alpha "$impl" || fail "alpha: background start exited $?"
[ "$impl" = real ] && { vpn_wait_tun alpha; sleep 0.5; cat "$VPN_DIR/alpha.pid" >"$VPN_DIR/alpha.runner"; }
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
e2e_ping alpha 30 || fail "no tunnel"
pid=$(cat "$VPN_DIR/alpha.pid")

# SIGHUP after mv
mv "$VPN_DIR/alpha.log" "$VPN_DIR/alpha.log.1"
kill -HUP "$pid"
for _ in $(seq 1 50); do grep -q 'received SIGHUP' "$VPN_DIR/alpha.log" 2>/dev/null && break; sleep 0.1; done
grep -q 'received SIGHUP' "$VPN_DIR/alpha.log" 2>/dev/null || fail "no 'received SIGHUP' in a new alpha.log"
# 0.6.7 writes the main program's "secnet ... received SIGHUP" before the reopen (old file); the
# logfile's own "received SIGHUP" is the first line of the new one.
[ "$(head -1 "$VPN_DIR/alpha.log" | cut -c17-)" = "received SIGHUP" ] || fail "new alpha.log does not start with the reopen notice"
grep -q 'received SIGHUP' "$VPN_DIR/alpha.log.1" || fail "no SIGHUP notice in the moved file, unlike 0.6.7"
before=$(wc -l <"$VPN_DIR/alpha.log.1")

# SIGUSR1: the dump lands in the new file (so this also proves later lines follow the reopen)
kill -USR1 "$pid"
for _ in $(seq 1 50); do grep -q 'routing table:' "$VPN_DIR/alpha.log" && break; sleep 0.1; done
grep -q 'netlink-tun: routing table:' "$VPN_DIR/alpha.log" || fail "no routing table after SIGUSR1"
grep -qE '192\.0\.2\.128/25 *-> tunnel bravo \(up,.*quality 4' "$VPN_DIR/alpha.log" \
  || fail "the dump does not show the live tunnel to bravo"
grep -qE '/[0-9]+ *-> host \(use' "$VPN_DIR/alpha.log" || fail "the dump does not show the host route"
if [ "$impl" = ours ]; then
  grep -q 'route dump requested by SIGUSR1' "$VPN_DIR/alpha.log" || fail "no SIGUSR1 notice"
  # Our addition: the data path's counters, with the traffic the tunnel has carried so far.
  grep -qE 'alpha<->bravo: counters: packets sent [1-9][0-9]*, received [1-9][0-9]*, dropped [0-9]+, malformed 0, setup queue overflows 0, key used up 0; state RUN, keyed' \
    "$VPN_DIR/alpha.log" || fail "no site counters after SIGUSR1"
  grep -qE 'udp \(.*\): counters: NAKs sent [0-9]+, datagrams for no site [0-9]+ \([0-9]+ not NAKed: rate limit\)' "$VPN_DIR/alpha.log" || fail "no udp counters after SIGUSR1"
  grep -qE 'netlink-tun: counters: ICMP sent [0-9]+, .*packets read [1-9][0-9]*, written [1-9][0-9]*' "$VPN_DIR/alpha.log" \
    || fail "no tun counters after SIGUSR1"
  grep -qE 'secnet .*: memory: managed heap [0-9]+ KiB live, [0-9]+ KiB committed; resident [1-9][0-9]* KiB' "$VPN_DIR/alpha.log" \
    || fail "no memory report after SIGUSR1"
fi
e2e_ping alpha 5 || fail "tunnel lost after signals"
[ "$(wc -l <"$VPN_DIR/alpha.log.1")" = "$before" ] || fail "the moved log file kept receiving lines"
kill -0 "$pid" || fail "alpha died"
echo "--- new alpha.log"; cat "$VPN_DIR/alpha.log"
echo "PASS: daemon-signals $*"
