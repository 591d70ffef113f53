#!/bin/bash
# daemon-comminfo.sh ours|real [where]: a site's `comm-info' { dedicated-interface-addr } with
# polypath (runtime.md §8), as 0.6.7 behaves. Alpha has a general link a0 (198.51.100.1) and a
# dedicated (`@') link a1 (203.0.113.1), and two sites: bravo (a real peer, its comm-info names
# 203.0.113.1) and charlie (no comm-info, a peer that never answers). Bravo's and charlie's
# addresses are reachable through both links. Observed on 0.6.7 and required of ours:
#  - bravo's datagrams leave through a0 from 198.51.100.1 AND through a1 from 203.0.113.1;
#  - charlie's leave through a0 only: a dedicated interface is used by no other site.
# "where"=site puts dedicated-interface-addr straight in the site dictionary instead (an
# observation aid: 0.6.7 reads it only inside comm-info).
. "$(dirname "$0")/lib.sh"
impl=$1 where=${2:-comm-info}
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
ip link add "${VPN_PREFIX}a1" netns "$VPN_NS_A" type veth peer name "${VPN_PREFIX}b1" netns "$VPN_NS_B" || fail "second link"
ip -n "$VPN_NS_A" addr add 203.0.113.1/24 dev "${VPN_PREFIX}a1"
ip -n "$VPN_NS_B" addr add 203.0.113.2/24 dev "${VPN_PREFIX}b1"
ip -n "$VPN_NS_A" link set "${VPN_PREFIX}a1" up; ip -n "$VPN_NS_B" link set "${VPN_PREFIX}b1" up
# Both peers reachable over a1 too (only sockets tied to a1 use these routes); charlie
# (198.51.100.3) does not exist, so fixed neighbour entries let its datagrams leave at all.
ip -n "$VPN_NS_A" route add 198.51.100.2/32 dev "${VPN_PREFIX}a1" metric 50
ip -n "$VPN_NS_A" route add 198.51.100.3/32 dev "${VPN_PREFIX}a1" metric 50
ip -n "$VPN_NS_A" neigh add 198.51.100.3 lladdr 02:00:00:00:00:03 dev "${VPN_PREFIX}a0" nud permanent
ip -n "$VPN_NS_A" neigh add 198.51.100.3 lladdr 02:00:00:00:00:03 dev "${VPN_PREFIX}a1" nud permanent
e2e_fake_monitor alpha
sed -i "/^comm udp {/,/^};/c\\comm polypath { port 16900; buffer sysbuffer(65536); interfaces \"@${VPN_PREFIX}a1\", \"${VPN_PREFIX}a*\"; monitor-command \"$VPN_DIR/alpha.monitor\"; };" "$VPN_DIR/alpha.conf"
if [ "$where" = site ]; then info='dedicated-interface-addr "203.0.113.1";'
else info='comm-info { dedicated-interface-addr "203.0.113.1"; };'; fi
# bravo keeps 192.0.2.128/26 (its host 192.0.2.129), charlie gets 192.0.2.192/26
sed -i "s|routes \"192.0.2.128/25\"|routes \"192.0.2.128/26\"|; /^\tname \"bravo\";\$/a\\	$info" "$VPN_DIR/alpha.conf"
pub=$(cat "$VPN_DIR/bravo.key.conf")
sed -i '$ s/^};$/},/' "$VPN_DIR/alpha.conf"   # charlie is the second item of `sites'
cat >>"$VPN_DIR/alpha.conf" <<CONF
site {
	name "charlie";
	link netlink { routes "192.0.2.192/26"; };
	address "[198.51.100.3]";
	port 16900;
	key $pub;
};
CONF
sed -i '/^\taddress "198.51.100.2";$/d' "$VPN_DIR/bravo.conf"   # bravo listens on every address
sed -i '/^\tname "alpha";$/a\	mobile true;' "$VPN_DIR/bravo.conf"
echo "+4 ${VPN_PREFIX}a0 198.51.100.1" >>"$VPN_DIR/alpha.monitor.in"
echo "+4 ${VPN_PREFIX}a1 203.0.113.1" >>"$VPN_DIR/alpha.monitor.in"
vpn_start_one alpha "$impl"; vpn_wait_tun alpha || fail "alpha did not start"
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
e2e_wait_log alpha "using ${VPN_PREFIX}a1 \[203\.0\.113\.1\]:16900" 10 || fail "a1 not in use"
e2e_wait_log alpha "using ${VPN_PREFIX}a0 \[198\.51\.100\.1\]:16900" 1 || fail "a0 not in use"

# e2e_udp_out IFACE PEER: alpha's datagrams to PEER leaving through IFACE, with their source
e2e_udp_out() {
  ip netns exec "$VPN_NS_A" timeout 5 tcpdump -Q out -n -i "$1" -c 1000 "udp and src port 16900 and dst host $2" 2>/dev/null \
    | grep -o 'IP [0-9.]*\.16900 >' | sort | uniq -c >"$VPN_DIR/$1-$2.seen" &
  counters="${counters:-} $!"
}
count() { awk -v s="$2" '$3 == s".16900" {print $1}' "$VPN_DIR/$1.seen" | grep . || echo 0; }
for peer in 198.51.100.2 198.51.100.3; do e2e_udp_out "${VPN_PREFIX}a0" $peer; e2e_udp_out "${VPN_PREFIX}a1" $peer; done
sleep 1
e2e_ping alpha 30 || fail "no tunnel to bravo"
ip netns exec "$VPN_NS_A" ping -c 3 -i 0.3 -W 1 192.0.2.200 >/dev/null   # charlie never answers: key setup only
ip netns exec "$VPN_NS_A" ping -c 5 -i 0.2 -W 1 192.0.2.129 >/dev/null || fail "pings to bravo lost"
wait $counters; counters=
b0=$(count "${VPN_PREFIX}a0-198.51.100.2" 198.51.100.1); b1=$(count "${VPN_PREFIX}a1-198.51.100.2" 203.0.113.1)
c0=$(count "${VPN_PREFIX}a0-198.51.100.3" 198.51.100.1); c1=$(cat "$VPN_DIR/${VPN_PREFIX}a1-198.51.100.3.seen" | awk '{n+=$1} END {print n+0}')
echo "$impl ($where): bravo via a0 $b0, via a1 (dedicated) $b1; charlie via a0 $c0, via a1 $c1"
cat "$VPN_DIR"/*.seen
[ "${E2E_OBSERVE:-}" = 1 ] && { cp -r "$VPN_DIR" /tmp/ci-observe; exit 0; }
[ "$b0" -gt 0 ] || fail "bravo's datagrams did not leave through the general link"
[ "$b1" -gt 0 ] || fail "bravo's datagrams did not leave through its dedicated address"
[ "$c0" -gt 0 ] || fail "charlie's datagrams did not leave through the general link"
[ "$c1" = 0 ] || fail "charlie used the dedicated interface"
echo "PASS: daemon-comminfo $*"
