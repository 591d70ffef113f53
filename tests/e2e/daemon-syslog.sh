#!/bin/bash
# daemon-syslog.sh: alpha (ours, background) logs through a syslog closure; SECNET_SYSLOG_SOCKET
# points it at a test listener's Unix datagram socket instead of /dev/log. The listener receives
# glibc-format records "<PRI>Mmm dd hh:mm:ss IDENT: text" with the facility/severity priority, from
# startup to the SIGTERM "finished".
. "$(dirname "$0")/lib.sh"
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
sed -i '/^log logfile {/,/^};/c\log syslog { ident "alpha-vpn"; facility "local3"; };' "$VPN_DIR/alpha.conf"
grep -q '^log syslog' "$VPN_DIR/alpha.conf" || fail "config edit"
sock="$VPN_DIR/syslog.sock"
python3 - "$sock" >"$VPN_DIR/syslog.received" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)
try:
    while True:
        d = s.recv(4096).decode()
        print(d, flush=True)
        if "finished" in d: break
except socket.timeout:
    pass
PY
listener=$!
for _ in $(seq 1 50); do [ -S "$sock" ] && break; sleep 0.1; done
SECNET_SYSLOG_SOCKET=$sock e2e_start_bg alpha || fail "alpha: background start exited $?"
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
e2e_ping alpha 30 || fail "no tunnel"
pid=$(cat "$VPN_DIR/alpha.pid")
kill -TERM "$pid"; e2e_wait_gone "$pid" 10 || fail "alpha did not stop"
wait $listener
cat "$VPN_DIR/syslog.received"
# local3 = 19 << 3; notice = 5, info = 6
grep -qE '^<157>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} alpha-vpn: secnet .*\[[0-9]+\]: starting$' "$VPN_DIR/syslog.received" \
  || fail "no 'starting' notice at local3.notice"
grep -qE '^<158>.* alpha-vpn: alpha<->bravo: new key activated' "$VPN_DIR/syslog.received" \
  || fail "no key activation at local3.info"
grep -qE '^<157>.* alpha-vpn: secnet .*: finished$' "$VPN_DIR/syslog.received" || fail "no 'finished' notice"
[ -e "$VPN_DIR/alpha.log" ] && fail "a logfile was written although only syslog is configured"
echo "PASS: daemon-syslog"
