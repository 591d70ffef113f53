#!/bin/bash
# ipv6-router.sh: three sites of ours in router mode, alpha - bravo - charlie, where alpha and
# charlie only have tunnels to bravo (issue 19). IPv6 from alpha's host to charlie's goes
# through bravo's secnet (allow-route), and back; bravo's host is reachable from both.
#   underlay: alpha 198.51.100.1 <-> bravo 198.51.100.2, bravo 203.0.113.2 <-> charlie 203.0.113.1
#   alpha   192.0.2.0/26,   2001:db8:a::/48 (tun ::1, secnet ::2)
#   bravo   192.0.2.64/26,  2001:db8:b::/48
#   charlie 192.0.2.128/26, 2001:db8:c::/48
. "$(dirname "$0")/lib.sh"
VPN_NS_C="${VPN_PREFIX}-c"
r3_cleanup() {
  ip netns pids "$VPN_NS_C" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$VPN_NS_C" 2>/dev/null
  e2e_cleanup
}
trap r3_cleanup EXIT
vpn_setup || fail "namespace setup"
ip netns add "$VPN_NS_C" || fail "namespace"
ip link add "${VPN_PREFIX}b1" netns "$VPN_NS_B" type veth peer name "${VPN_PREFIX}c0" netns "$VPN_NS_C" || fail "veth"
ip -n "$VPN_NS_B" addr add 203.0.113.2/24 dev "${VPN_PREFIX}b1"
ip -n "$VPN_NS_C" addr add 203.0.113.1/24 dev "${VPN_PREFIX}c0"
ip -n "$VPN_NS_C" link set lo up
ip -n "$VPN_NS_B" link set "${VPN_PREFIX}b1" up
ip -n "$VPN_NS_C" link set "${VPN_PREFIX}c0" up

for side in alpha bravo charlie; do
  "$SECNET_KEYGEN" -b 2048 -C "$side@demo" -f "$VPN_DIR/$side.key" >"$VPN_DIR/$side.keygen.out" || fail "keygen"
  sed -n 's/;$//; /^rsa-public/p' "$VPN_DIR/$side.keygen.out" >"$VPN_DIR/$side.key.conf"
done

# r3_site PEER ROUTES ROUTES6 ADDRESS: one site dictionary
r3_site() {
  cat <<CONF
	site {
		name "$1";
		link netlink { routes $2; routes6 $3; options "allow-route"; };
		address "[$4]";
		port 16900;
		key $(cat "$VPN_DIR/$1.key.conf");
	},
CONF
}
# r3_config SELF NET4_BASE V6 SELF_UDP_IP: the daemon part, then the sites
r3_config() {
  local self=$1 base=$2 v6=$3 ip=$4
  vpn_daemon_config "$self" "192.0.2.$((base + 1))" "192.0.2.$((base + 2))" "$ip" 'eax-serpent { }' \
    | sed -e "/^\tsecnet-address /a\\	local-address6 \"2001:db8:$v6::1\";\\n\\tsecnet-address6 \"2001:db8:$v6::2\";\\n\\tnetworks6 \"2001:db8:$v6::/48\";" \
          -e "s/^\tremote-networks .*/\tremote-networks \"192.0.2.0\/24\";/"
  cat <<CONF
dh diffie-hellman("$VPN_DH_P", "2");
hash sha1;
local-name "$self";
local-key rsa-private("$VPN_DIR/$self.key");
mtu-target $VPN_MTU;
sites
CONF
}
{ r3_config alpha 0 a 198.51.100.1
  r3_site bravo '"192.0.2.64/26","192.0.2.128/26"' '"2001:db8:b::/48","2001:db8:c::/48"' 198.51.100.2 | sed '$ s/},$/};/'
} >"$VPN_DIR/alpha.conf"
{ r3_config bravo 64 b 0.0.0.0 | sed '/^comm udp {/,/^};/ { /address/d }'
  r3_site alpha '"192.0.2.0/26"' '"2001:db8:a::/48"' 198.51.100.1
  r3_site charlie '"192.0.2.128/26"' '"2001:db8:c::/48"' 203.0.113.1 | sed '$ s/},$/};/'
} >"$VPN_DIR/bravo.conf"
{ r3_config charlie 128 c 203.0.113.1
  r3_site bravo '"192.0.2.64/26","192.0.2.0/26"' '"2001:db8:b::/48","2001:db8:a::/48"' 203.0.113.2 | sed '$ s/},$/};/'
} >"$VPN_DIR/charlie.conf"
for side in alpha bravo charlie; do
  "$SECNET_OURS" -j -c "$VPN_DIR/$side.conf" >"$VPN_DIR/$side.check" 2>&1 || { cat "$VPN_DIR/$side.check" "$VPN_DIR/$side.conf"; fail "$side's configuration"; }
done

vpn_start_one alpha ours
vpn_start_one bravo ours
(cd "$VPN_DIR" && exec ip netns exec "$VPN_NS_C" "$SECNET_OURS" -n -c "$VPN_DIR/charlie.conf" >"$VPN_DIR/charlie.out" 2>&1) &
echo $! >"$VPN_DIR/charlie.runner"

ping6_ok() { # FROM_NS DST TIMEOUT
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ip netns exec "$1" ping -6 -c 1 -W 1 "$2" >/dev/null 2>&1 && return 0
  done
  return 1
}
ping6_ok "$VPN_NS_A" 2001:db8:b::1 30 || fail "ping -6 alpha -> bravo"
ping6_ok "$VPN_NS_C" 2001:db8:b::1 30 || fail "ping -6 charlie -> bravo"
ping6_ok "$VPN_NS_A" 2001:db8:c::1 20 || fail "ping -6 alpha -> charlie through bravo"
ping6_ok "$VPN_NS_C" 2001:db8:a::1 10 || fail "ping -6 charlie -> alpha through bravo"
# Two hops of secnet: the hop limit is 64 - 2 at the far host (its reply shows it).
hops=$(ip netns exec "$VPN_NS_A" ping -6 -c 1 -W 2 2001:db8:c::1 | grep -o 'ttl=[0-9]*')
[ "$hops" = "ttl=61" ] || fail "reply from charlie has $hops, wanted ttl=61 (three routers: alpha's, bravo's, charlie's secnet)"
kill "$(cat "$VPN_DIR/charlie.runner")" 2>/dev/null
echo "PASS: $* (alpha -> charlie via bravo, reply $hops)"
