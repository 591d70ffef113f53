#!/bin/bash
# daemon-userid.sh USER: alpha (ours, background) has system/userid USER. Once up, the daemon's
# real and effective uid - of every thread - is USER's, and ping and a TCP transfer through the
# tunnel still work in both directions (no soft routes, so nothing needs root at run time).
. "$(dirname "$0")/lib.sh"
user=$1
uid=$(id -u "$user") || fail "no user $user"
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
e2e_system_key alpha "userid \"$user\";"
e2e_start_bg alpha || fail "alpha: background start exited $?"
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
pid=$(cat "$VPN_DIR/alpha.pid")
kill -0 "$pid" 2>/dev/null || fail "alpha is not running"
for status in /proc/"$pid"/status /proc/"$pid"/task/*/status; do
  ids=$(awk '/^Uid:/{print $2, $3, $4, $5}' "$status")
  [ "$ids" = "$uid $uid $uid $uid" ] || fail "$status: Uid $ids, wanted $uid everywhere"
done
echo "alpha pid $pid: $(ls /proc/"$pid"/task | wc -l) threads, all uid $uid"
e2e_ping alpha 30 || fail "no answer to alpha's ping through the tunnel"
e2e_ping bravo 10 || fail "no answer to bravo's ping through the tunnel"
e2e_transfer 2 || fail "TCP transfer"
kill -TERM "$pid"
e2e_wait_gone "$pid" 10 || fail "alpha did not stop after SIGTERM"
e2e_wait_log bravo 'session closed \(request from peer\)' 5 || fail "bravo did not see alpha's MSG7"
echo "PASS: daemon-userid $*"
