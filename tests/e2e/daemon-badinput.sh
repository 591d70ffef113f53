#!/bin/bash
# daemon-badinput.sh plain|privsep: bad input to the background daemon gives a clear message and a
# non-zero status or a clean fatal exit, never a hang or a crash dump:
#  (plain only) unwritable log file, pidfile in a missing directory, unknown userid;
#  monitor-command that does not exist, that dies, that prints garbage (warning, keeps running),
#  that prints a NUL byte or an overlong line (fatal "bad output from interface monitor").
# "privsep" runs the monitor cases with userid nobody (monitor under the privileged helper).
. "$(dirname "$0")/lib.sh"
mode=$1
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
cp "$VPN_DIR/alpha.conf" "$VPN_DIR/alpha.conf.orig"
no_crash() { grep -qE 'Unhandled exception|   at [A-Z][A-Za-z]+\.' "$VPN_DIR/alpha.out" "$VPN_DIR/alpha.log" 2>/dev/null && fail "$1: .NET crash output"; return 0; }
fresh() { cp "$VPN_DIR/alpha.conf.orig" "$VPN_DIR/alpha.conf"; rm -f "$VPN_DIR/alpha.log" "$VPN_DIR/alpha.pid"; }
nothing_left() { [ -z "$(ip netns pids "$VPN_NS_A")" ] || fail "$1: processes left in alpha's namespace"; }

# start_fails CASE REGEX: the launcher must exit non-zero within 20 s and print REGEX
start_fails() {
  local rc t0=$SECONDS
  e2e_start_bg alpha; rc=$?
  [ $(( SECONDS - t0 )) -le 20 ] || fail "$1: took $(( SECONDS - t0 )) s"
  [ "$rc" != 0 ] || fail "$1: launcher exited 0"
  grep -qE "$2" "$VPN_DIR/alpha.out" || fail "$1: no message matching '$2' (exit $rc)"
  echo "$1: exit $rc: $(grep -E "$2" "$VPN_DIR/alpha.out")"
  no_crash "$1"; nothing_left "$1"
}

if [ "$mode" = plain ]; then
  fresh; sed -i "s|filename \"$VPN_DIR/alpha.log\"|filename \"$VPN_DIR/missing/alpha.log\"|" "$VPN_DIR/alpha.conf"
  start_fails "unwritable log file" "logfile \(.*\): cannot open \"$VPN_DIR/missing/alpha.log\": No such file or directory"
  fresh; sed -i "s|pidfile \"$VPN_DIR/alpha.pid\"|pidfile \"$VPN_DIR/missing/alpha.pid\"|" "$VPN_DIR/alpha.conf"
  start_fails "pidfile in a missing directory" "cannot open pidfile \"$VPN_DIR/missing/alpha.pid\": No such file or directory"
  fresh; e2e_system_key alpha 'userid "no-such-user-e2e";'
  start_fails "unknown user" 'userid "no-such-user-e2e" not found'
fi

# polypath_with MONITOR_BODY: alpha's comm becomes polypath with a monitor script of that body
polypath_with() {
  fresh
  printf '#!/bin/sh\n%s\n' "$1" >"$VPN_DIR/alpha.monitor"; chmod +x "$VPN_DIR/alpha.monitor"
  sed -i "/^comm udp {/,/^};/c\\comm polypath { port 16900; buffer sysbuffer(65536); monitor-command \"$VPN_DIR/alpha.monitor\"; };" "$VPN_DIR/alpha.conf"
  [ "$mode" = privsep ] && e2e_system_key alpha 'userid "nobody";'
  return 0
}

# dies_with CASE REGEX: the daemon (which may already have reported "up") exits by itself within
# 15 s, logs REGEX as fatal, removes its pidfile, leaves nothing running
dies_with() {
  local pid
  e2e_start_bg alpha
  pid=$(cat "$VPN_DIR/alpha.pid" 2>/dev/null)
  [ -n "$pid" ] && { e2e_wait_gone "$pid" 15 || fail "$1: daemon still running"; }
  for _ in $(seq 1 20); do [ -z "$(ip netns pids "$VPN_NS_A")" ] && break; sleep 0.25; done
  grep -qE "$2" "$VPN_DIR/alpha.out" "$VPN_DIR/alpha.log" 2>/dev/null || fail "$1: no message matching '$2'"
  echo "$1: $(cat "$VPN_DIR/alpha.out" "$VPN_DIR/alpha.log" 2>/dev/null | grep -E "$2" | head -1)"
  [ -e "$VPN_DIR/alpha.pid" ] && [ "$mode" = plain ] && fail "$1: pidfile left behind"
  no_crash "$1"; nothing_left "$1"
}

polypath_with 'exit 0'; rm "$VPN_DIR/alpha.monitor"
dies_with "missing monitor" "polypath \(.*\): cannot execute $VPN_DIR/alpha.monitor: No such file or directory"
polypath_with 'exit 3'
dies_with "monitor exits 3" "polypath \(.*\): (interface monitor exited with error exit status 3|unexpected EOF from interface monitor)"
polypath_with 'echo "+4 lo 127.0.0.1"; kill -KILL $$'
dies_with "monitor killed" "polypath \(.*\): (interface monitor died due to fatal signal Killed \(9\)|unexpected EOF from interface monitor)"
polypath_with 'printf "+4 eth0 1.2.3.4\0\n"; exec sleep 30'
dies_with "NUL from monitor" "polypath \(.*\): bad output from interface monitor: nul in input data"
polypath_with 'head -c 300 /dev/zero | tr "\0" x; exec sleep 30'
dies_with "overlong line" "polypath \(.*\): bad output from interface monitor: input line too long"

# Garbage lines: warnings, and the daemon keeps running
polypath_with 'printf "garbage\n+5 eth0 1.2.3.4\n+4 eth0\n+4 eth0 not-an-address\n+6 eth0 192.0.2.9\n"; exec sleep 60'
e2e_start_bg alpha || fail "garbage: start exited $?"
pid=$(cat "$VPN_DIR/alpha.pid")
for w in 'bad \+/- \(while processing `garbage'"'"'\)' 'bad proto' 'no second space' 'not-an-address' 'address family mismatch'; do
  e2e_wait_log alpha "warning|error processing polypath state change: .*$w" 10 || fail "garbage: no warning for $w"
done
kill -0 "$pid" 2>/dev/null || fail "garbage: daemon died"
echo "garbage: $(e2e_count alpha 'error processing polypath state change') warnings, daemon still running"
kill -TERM "$pid"; e2e_wait_gone "$pid" 10 || fail "garbage: no clean stop"
no_crash garbage
echo "PASS: daemon-badinput $*"
