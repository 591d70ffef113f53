#!/bin/bash
# control.sh IMPL_B: our secnet (alpha) against IMPL_B (ours or real) in bravo; alpha's control
# socket and metrics listener answer as docs/CONTROL.md says: status (text and JSON) shows the
# tunnel in RUN with the negotiated transform and counters that grow with traffic; metrics (the
# socket and an HTTP scrape) parse with prometheus_client; rekey starts an exchange that completes;
# an unknown site, a missing daemon and a non-root user each get their own exit status; the
# socket is gone after shutdown.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=ours VPN_IMPL_B=$1
CTL_BIN=$(dirname "$SECNET_OURS")/secnet-ctl
SOCK=$VPN_DIR/alpha.ctl
METRICS=198.51.100.1:19474
ctl() { "$CTL_BIN" -s "$SOCK" "$@"; }
# json EXPR: evaluates EXPR on alpha's status --json (as `s`, the first site) and prints it
json() { ctl status --json | python3 -c "import json,sys; d=json.load(sys.stdin); s=d['sites'][0]; print($1)"; }

# Debian's python3-prometheus-client is for the system's python3, which a python3 earlier on
# PATH (pyenv and the like) may not be.
PROM_PY=
for p in /usr/bin/python3 python3; do "$p" -c 'import prometheus_client' 2>/dev/null && { PROM_PY=$p; break; }; done
[ -n "$PROM_PY" ] || fail "python3-prometheus-client is missing (apt-get install python3-prometheus-client)"
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
e2e_system_key alpha "metrics-listen \"$METRICS\";"
vpn_start || fail "daemons did not start"
e2e_ping alpha 30 || fail "no answer to alpha's ping through the tunnel"

step() { echo "-- $*"; }
step "socket: root's, mode 0600"
[ -S "$SOCK" ] || fail "no control socket at $SOCK"
[ "$(stat -c '%U %a' "$SOCK")" = "root 600" ] || fail "socket is $(stat -c '%U %a' "$SOCK")"

step "status: RUN, keyed, transform, peer"
ctl status >"$VPN_DIR/status.txt" || fail "status exited $?"
cat "$VPN_DIR/status.txt"
grep -qx 'site: bravo (local alpha)' "$VPN_DIR/status.txt" || fail "status has no site line for bravo"
grep -qx '  state: RUN, keyed' "$VPN_DIR/status.txt" || fail "status does not show RUN, keyed"
grep -qx '  transform: eax-serpent' "$VPN_DIR/status.txt" || fail "status does not show the negotiated transform"
grep -q '^  peer: .*198\.51\.100\.2' "$VPN_DIR/status.txt" || fail "status does not show the peer address"
ctl status bravo | grep -qx 'site: bravo (local alpha)' || fail "status bravo"

step "status --json parses; counters grow with traffic"
[ "$(json "s['state'], s['keyed'], s['transform'], s['name']")" = "run True eax-serpent bravo" ] \
  || fail "status --json: $(ctl status --json)"
before=$(json "s['packets_received'], s['bytes_received'], s['packets_sent'], s['bytes_sent']")
e2e_transfer 2 || fail "2 MB transfer"
after=$(json "s['packets_received'], s['bytes_received'], s['packets_sent'], s['bytes_sent']")
python3 - "$before" "$after" <<'PY' || fail "counters did not grow: before $before, after $after"
import sys
b, a = (list(map(int, x.split())) for x in sys.argv[1:3])
sys.exit(0 if all(y > x for x, y in zip(b, a)) and a[3] - b[3] > 2 * 1048576 else 1)
PY
[ "$(json "s['last_packet_received_seconds_ago'] < 30 and s['mtu'] > 0 and s['key_lifetime_left_seconds'] > 0")" = True ] \
  || fail "status --json times: $(ctl status --json)"

step "metrics (socket) parse with prometheus_client"
ctl metrics >"$VPN_DIR/metrics.txt" || fail "metrics exited $?"
check_metrics() {
  "$PROM_PY" - "$1" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
def value(name, **labels):
    for s in fams[name].samples:
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    raise SystemExit(f"no sample {name} {labels}")
assert value("secnet_site_keyed", site="bravo") == 1
assert value("secnet_site_transform_info", site="bravo", transform="eax-serpent") == 1
assert value("secnet_site_bytes_received", site="bravo") > 2 * 1048576 or value("secnet_site_bytes_sent", site="bravo") > 2 * 1048576
assert value("secnet_site_dropped_packets", site="bravo", reason="undecryptable") == 0
assert value("process_resident_memory_bytes") > 0
print(len(fams), "metric families")
PY
}
check_metrics "$VPN_DIR/metrics.txt" || fail "metrics text: $(cat "$VPN_DIR/metrics.txt")"

step "metrics listener: HTTP scrape at $METRICS"
ip netns exec "$VPN_NS_A" python3 - "$METRICS" >"$VPN_DIR/scrape.txt" <<'PY' || fail "HTTP scrape failed"
import sys, urllib.request
with urllib.request.urlopen(f"http://{sys.argv[1]}/metrics", timeout=10) as r:
    assert r.status == 200, r.status
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers["Content-Type"]
    sys.stdout.write(r.read().decode())
PY
check_metrics "$VPN_DIR/scrape.txt" || fail "scraped metrics"
code=$(ip netns exec "$VPN_NS_A" python3 -c "
import sys, urllib.request, urllib.error
try: urllib.request.urlopen('http://$METRICS/other', timeout=10)
except urllib.error.HTTPError as e: print(e.code)")
[ "$code" = 404 ] || fail "GET /other answered $code"

step "rekey: a new key exchange completes"
n=$(json "s['key_exchanges']")
ctl rekey bravo >"$VPN_DIR/rekey.out" || fail "rekey exited $?"
grep -qx 'bravo: key exchange started' "$VPN_DIR/rekey.out" || fail "rekey said $(cat "$VPN_DIR/rekey.out")"
for _ in $(seq 1 100); do [ "$(json "s['key_exchanges']")" -gt "$n" ] && break; sleep 0.2; done
[ "$(json "s['key_exchanges']")" -gt "$n" ] || fail "no new key after rekey"
e2e_ping alpha 10 || fail "tunnel down after rekey"

step "errors: unknown site (5), not running (3), non-root user (4), reload"
ctl status nosuch 2>"$VPN_DIR/err"; rc=$?
[ $rc = 5 ] && grep -q 'no running site called "nosuch"' "$VPN_DIR/err" || fail "status nosuch: exit $rc, $(cat "$VPN_DIR/err")"
ctl rekey nosuch 2>/dev/null; rc=$?; [ $rc = 5 ] || fail "rekey nosuch: exit $rc"
"$CTL_BIN" -s "$VPN_DIR/none.ctl" status 2>"$VPN_DIR/err"; rc=$?
[ $rc = 3 ] || fail "missing socket: exit $rc, $(cat "$VPN_DIR/err")"
ctl reload >"$VPN_DIR/reload.out" 2>&1; rc=$?
# The configuration did not change: nothing added, removed or changed, and the tunnel stays keyed.
[ $rc = 0 ] || fail "reload: exit $rc, $(cat "$VPN_DIR/reload.out")"
grep -qx 'reload: 0 added, 0 removed, 0 changed, 1 unchanged' "$VPN_DIR/reload.out" \
  || fail "reload of an unchanged configuration: $(cat "$VPN_DIR/reload.out")"
ctl status bravo | grep -q 'state: RUN, keyed' || fail "status after reload: $(ctl status bravo)"
# nobody may run the client (a copy outside the repository) and walk into VPN_DIR, but the
# socket's own mode (0600, root) must refuse the connection.
nb=$(mktemp -d /tmp/ctl-nobody.XXXXXX); chmod 755 "$nb"; cp "$SECNET_OURS" "$nb/secnet"; chmod 755 "$nb/secnet"
chmod 711 "$VPN_DIR"
SECNET_NATIVE_VARIANT=baseline setpriv --reuid=nobody --regid=nogroup --clear-groups \
  "$nb/secnet" --ctl -s "$SOCK" status >"$VPN_DIR/nobody.out" 2>&1; rc=$?
rm -rf "$nb"
[ $rc = 4 ] && grep -q 'permission denied' "$VPN_DIR/nobody.out" || fail "nobody: exit $rc, $(cat "$VPN_DIR/nobody.out")"

if [ "$1" = ours ]; then
  step "bravo (ours) reports the same tunnel"
  "$CTL_BIN" -s "$VPN_DIR/bravo.ctl" status | grep -qx '  state: RUN, keyed' || fail "bravo's status"
fi

step "shutdown removes the socket"
vpn_stop
[ ! -e "$SOCK" ] || fail "socket left behind after SIGTERM"
ctl status 2>/dev/null; rc=$?; [ $rc = 3 ] || fail "after shutdown: exit $rc"
echo "PASS: control $*"
