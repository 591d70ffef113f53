#!/bin/bash
# ipv6.sh IMPL_B: IPv6 inside the tunnel (issue 19). alpha is ours; bravo is ours or "real"
# (Debian's 0.6.7), both reading the same kind of configuration: the IPv6 keys (local-address6,
# secnet-address6, networks6, routes6) are ones 0.6.7 ignores.
#   alpha: 2001:db8:a::/48 (tun 2001:db8:a::1, secnet 2001:db8:a::2)
#   bravo: 2001:db8:b::/48 (tun 2001:db8:b::1, secnet 2001:db8:b::2)
# Interfaces have MTU 1500, the tunnel 1300 (mtu-target), so a 1448-byte packet leaves the host
# and meets the tunnel's MTU in secnet.
# ours<->ours: ping -6 both ways, a 10 MB TCP transfer over IPv6 with equal checksums, iperf3 -4
# and -6 in the same run (IPv6 within 10 %), "packet too big" learnt as the path MTU.
# ours<->real: IPv4 ping works, ping -6 to the 0.6.7 site is refused with ICMPv6 "no route" by
# our secnet and counted; 0.6.7 accepted the configuration (secnet -j, and it runs), and a
# make-secnet-sites sites.conf with routes6 added is accepted by both (and read by ours).
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=ours VPN_IMPL_B=${1:-ours}
VPN_MTU=1500
e2e_v6_config() {
  local side=$1 own=$2 peer=$3 peer_routes6=$4
  sed -i -e "/^\tsecnet-address /a\\	local-address6 \"2001:db8:$own::1\";\\n\\tsecnet-address6 \"2001:db8:$own::2\";\\n\\tnetworks6 \"2001:db8:$own::/48\";" \
    -e "s/^mtu-target .*/mtu-target 1300;/" "$VPN_DIR/$side.conf"
  [ -n "$peer_routes6" ] && sed -i "s|link netlink { routes \"\\([^\"]*\\)\"; };|link netlink { routes \"\\1\"; routes6 \"$peer_routes6\"; };|" "$VPN_DIR/$side.conf"
  return 0
}
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
if [ "$VPN_IMPL_B" = real ]; then
  e2e_v6_config alpha a b ""           # bravo runs 0.6.7: no IPv6 routes towards it
else
  e2e_v6_config alpha a b "2001:db8:b::/48"
fi
e2e_v6_config bravo b a "2001:db8:a::/48"
for side in alpha bravo; do
  [ "$VPN_IMPL_B" = real ] && [ $side = bravo ] && bin=$SECNET_REAL || bin=$SECNET_OURS
  "$bin" -j -c "$VPN_DIR/$side.conf" >"$VPN_DIR/$side.check" 2>&1 || { cat "$VPN_DIR/$side.check"; fail "$side ($bin) refused its configuration"; }
done
if [ "$VPN_IMPL_B" = real ]; then
  # The README's recipe for a mixed network: make-secnet-sites keeps IPv6 out of "routes" when
  # the sites file's networks are IPv4; routes6 added to a site's netlink block in sites.conf
  # is ignored by 0.6.7 and read by ours (a bad prefix there is an error for ours only).
  cat >"$VPN_DIR/sites" <<SITES
vpn test
contact test@example.com
dh $VPN_DH_P 2
hash sha1
location here root
site old
  networks 192.0.2.0/26
  peer 192.0.2.1
  address old.example 16900
  pubkey 1024 65537 1234
site new
  networks 192.0.2.64/26
  peer 192.0.2.65
  address new.example 16900
  pubkey 1024 65537 1234
SITES
  make-secnet-sites "$VPN_DIR/sites" "$VPN_DIR/sites.conf" >/dev/null || fail "make-secnet-sites"
  sed -i '/Snew {/,/};/ s|ptp-address "192.0.2.65";|ptp-address "192.0.2.65"; routes6 "2001:db8:66::/48";|' "$VPN_DIR/sites.conf"
  grep -q 'routes6 "2001:db8:66::/48"' "$VPN_DIR/sites.conf" || fail "routes6 not added to sites.conf"
  sed -e '/^sites site {/,$d' "$VPN_DIR/alpha.conf" >"$VPN_DIR/mixed.conf"
  echo "include $VPN_DIR/sites.conf" >>"$VPN_DIR/mixed.conf"
  "$SECNET_REAL" -j -c "$VPN_DIR/mixed.conf" >"$VPN_DIR/mixed.real" 2>&1 || { cat "$VPN_DIR/mixed.real"; fail "0.6.7 refused sites.conf with routes6"; }
  "$SECNET_OURS" -j -c "$VPN_DIR/mixed.conf" >"$VPN_DIR/mixed.ours" 2>&1 || { cat "$VPN_DIR/mixed.ours"; fail "ours refused sites.conf with routes6"; }
  sed -i 's|routes6 "2001:db8:66::/48"|routes6 "2001:db8:66::1/48"|' "$VPN_DIR/sites.conf"
  "$SECNET_OURS" -j -c "$VPN_DIR/mixed.conf" >"$VPN_DIR/mixed.ours" 2>&1 && fail "ours did not read routes6 from sites.conf"
  grep -q 'routes6, .*prefix not fully contained in mask' "$VPN_DIR/mixed.ours" || { cat "$VPN_DIR/mixed.ours"; fail "wrong error for a bad routes6"; }
fi
vpn_start || fail "daemons did not start"
e2e_ping alpha 30 || fail "IPv4 ping alpha -> bravo"
e2e_ping bravo 10 || fail "IPv4 ping bravo -> alpha"

if [ "$VPN_IMPL_B" = real ]; then
  # A host route for the whole VPN range, as a site would have: the packet reaches our secnet,
  # which has no IPv6 route to the 0.6.7 site and answers for it.
  ip -n "$VPN_NS_A" -6 route add 2001:db8::/32 dev "${VPN_PREFIX}-alpha" || fail "route"
  out=$(ip netns exec "$VPN_NS_A" ping -6 -c 2 -W 2 2001:db8:b::1 2>&1)
  echo "$out" | grep -q "From 2001:db8:a::2 .*Destination unreachable: No route" || { echo "$out"; fail "no ICMPv6 no-route from our secnet"; }
  kill -USR1 "$(vpn_pid alpha)"
  for _ in $(seq 1 50); do [ "$(e2e_count alpha 'netlink-tun: counters: .*NoRoute6 [1-9]')" != 0 ] && break; sleep 0.1; done
  [ "$(e2e_count alpha 'netlink-tun: counters: .*NoRoute6 [1-9]')" != 0 ] || fail "the refusal was not counted"
  echo "refused: $(echo "$out" | grep -m1 'Destination unreachable'); $(cat "$VPN_DIR/alpha.out" "$VPN_DIR/alpha.log" 2>/dev/null | grep -m1 -o 'netlink-tun: counters: ICMP sent [0-9]*.*NoRoute6 [0-9]*')"
  # 0.6.7 logs "bad IP packet from <client>: version 6" for IPv6 out of the tunnel (its host's
  # own router solicitations show as "from host").
  if cat "$VPN_DIR/bravo.out" "$VPN_DIR/bravo.log" 2>/dev/null | grep 'bad IP packet from' | grep -qv 'from host'; then
    fail "IPv6 reached the 0.6.7 site"
  fi
  e2e_ping alpha 5 || fail "IPv4 after the refusal"
  echo "PASS: $*"
  exit 0
fi

ping6_ok() { # FROM_NS DST TIMEOUT
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ip netns exec "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
  done
  return 1
}
ping6_ok "$VPN_NS_A" 2001:db8:b::1 20 || fail "ping -6 alpha -> bravo"
ping6_ok "$VPN_NS_B" 2001:db8:a::1 10 || fail "ping -6 bravo -> alpha"
ping6_ok "$VPN_NS_A" 2001:db8:a::2 5 || fail "ping -6 to secnet-address6"

# 10 MB over IPv6 TCP, SHA-256 compared at both ends.
head -c 10485760 /dev/urandom >"$VPN_DIR/payload6"
ip netns exec "$VPN_NS_B" python3 - >"$VPN_DIR/received6.sha" 2>&1 <<'PY' &
import hashlib, socket
s = socket.socket(socket.AF_INET6); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("2001:db8:b::1", 5006)); s.listen(1); s.settimeout(120)
c, _ = s.accept(); c.settimeout(120); h = hashlib.sha256(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    h.update(b); n += len(b)
print(h.hexdigest(), n)
PY
srv=$!
sleep 0.5
ip netns exec "$VPN_NS_A" python3 - "$VPN_DIR/payload6" <<'PY' || fail "IPv6 TCP sender"
import socket, sys, time
for attempt in range(50):
    try:
        c = socket.create_connection(("2001:db8:b::1", 5006), timeout=5); break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("cannot connect over IPv6 through the tunnel")
c.settimeout(120)
with open(sys.argv[1], "rb") as f: c.sendall(f.read())
c.shutdown(socket.SHUT_WR); c.recv(1); c.close()
PY
wait $srv || fail "IPv6 TCP receiver"
sent="$(sha256sum <"$VPN_DIR/payload6" | cut -d' ' -f1) 10485760"
[ "$sent" = "$(cat "$VPN_DIR/received6.sha")" ] || fail "IPv6 transfer mismatch: sent $sent, got $(cat "$VPN_DIR/received6.sha")"

# Path MTU: 1448 bytes with DF leave the host (MTU 1500) and meet the tunnel (1300) in secnet.
ip -n "$VPN_NS_A" -6 route flush cache >/dev/null 2>&1
out=$(ip netns exec "$VPN_NS_A" ping -6 -c 2 -W 2 -s 1400 -M do 2001:db8:b::1 2>&1)
echo "$out" | grep -q "Packet too big: mtu=1300" || { echo "$out"; fail "no ICMPv6 packet too big"; }
ip -n "$VPN_NS_A" -6 route get 2001:db8:b::1 | grep -q "mtu 1300" || { ip -n "$VPN_NS_A" -6 route get 2001:db8:b::1; fail "path MTU not learnt"; }
echo "ping -6 -s 1400 -M do: $(echo "$out" | grep -m1 'Packet too big'); route: $(ip -n "$VPN_NS_A" -6 route get 2001:db8:b::1 | head -1)"

# iperf3 over IPv4 and IPv6 in the same run.
command -v iperf3 >/dev/null || fail "iperf3 is missing (apt-get install iperf3)"
ip netns exec "$VPN_NS_B" iperf3 -s -D -p 5207 -I "$VPN_DIR/iperf.pid" || fail "iperf3 server"
sleep 0.5
bps() { ip netns exec "$VPN_NS_A" iperf3 -c "$1" -p 5207 -t "${E2E_IPERF_SECONDS:-5}" -J | python3 -c 'import json,sys; print(int(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]))'; }
v4=$(bps 192.0.2.129) || fail "iperf3 -4"
v6=$(bps 2001:db8:b::1) || fail "iperf3 -6"
kill "$(cat "$VPN_DIR/iperf.pid")" 2>/dev/null
echo "iperf3: IPv4 $((v4 / 1000000)) Mbit/s, IPv6 $((v6 / 1000000)) Mbit/s"
[ $((v6 * 100)) -ge $((v4 * 90)) ] || fail "IPv6 throughput $v6 below 90 % of IPv4's $v4"
echo "PASS: $*"
