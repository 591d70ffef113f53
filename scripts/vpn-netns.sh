# shellcheck shell=bash
# Two-site secnet VPN between two network namespaces, shared by ./demo, bench/tunnel-bench and the
# end-to-end tests. Source it; call vpn_setup, vpn_write_configs, vpn_start, vpn_teardown.
#
# Addresses (documentation ranges, only inside the namespaces):
#   underlay veth  : alpha 198.51.100.1/24  <->  bravo 198.51.100.2/24, UDP port 16900
#   alpha's network: 192.0.2.0/25    (tun: local 192.0.2.1,   secnet 192.0.2.2)
#   bravo's network: 192.0.2.128/25  (tun: local 192.0.2.129, secnet 192.0.2.130)
#
# Settings (environment, with defaults):
#   VPN_PREFIX      namespace/interface name prefix         (secnetvpn)
#   VPN_DIR         working directory for configs, keys, logs (mktemp)
#   VPN_IMPL_A/B    "ours" or "real" (Debian's /usr/sbin/secnet)   (ours)
#   VPN_TRANSFORM_A/B  transform list text                     (eax-serpent { })
#   VPN_MTU         tunnel MTU                                  (1400)
#   VPN_EXTRA_A/B   extra top-level config lines per site
#   SECNET_OURS     our secnet binary                           (<repo>/out/secnet)
#   SECNET_KEYGEN   key generator                               (<repo>/out/secnet-keygen)

VPN_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${VPN_PREFIX:=secnetvpn}"
: "${VPN_IMPL_A:=ours}" "${VPN_IMPL_B:=ours}"
[ -n "${VPN_TRANSFORM_A:-}" ] || VPN_TRANSFORM_A='eax-serpent { }'
[ -n "${VPN_TRANSFORM_B:-}" ] || VPN_TRANSFORM_B='eax-serpent { }'
: "${VPN_MTU:=1400}"
: "${VPN_EXTRA_A:=}" "${VPN_EXTRA_B:=}"
: "${SECNET_OURS:=$VPN_REPO/out/secnet}"
: "${SECNET_KEYGEN:=$VPN_REPO/out/secnet-keygen}"
: "${SECNET_REAL:=/usr/sbin/secnet}"
VPN_NS_A="${VPN_PREFIX}-a"
VPN_NS_B="${VPN_PREFIX}-b"

# 1024-bit MODP group (RFC 2409 Oakley group 2), as in secnet's own examples.
VPN_DH_P=FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF

vpn_need_root() {
  if [ "$(id -u)" != 0 ]; then echo "error: must run as root (network namespaces and TUN devices)" >&2; return 1; fi
  if ! ip netns list >/dev/null 2>&1; then echo "error: 'ip netns' is unavailable (install iproute2; needs a kernel with namespaces)" >&2; return 1; fi
  if [ ! -c /dev/net/tun ]; then echo "error: /dev/net/tun is missing" >&2; return 1; fi
}

vpn_setup() {
  vpn_need_root || return 1
  : "${VPN_DIR:=$(mktemp -d /tmp/${VPN_PREFIX}.XXXXXX)}"
  mkdir -p "$VPN_DIR"
  vpn_teardown_ns
  ip netns add "$VPN_NS_A" && ip netns add "$VPN_NS_B" || return 1
  ip link add "${VPN_PREFIX}a0" netns "$VPN_NS_A" type veth peer name "${VPN_PREFIX}b0" netns "$VPN_NS_B" || return 1
  ip -n "$VPN_NS_A" addr add 198.51.100.1/24 dev "${VPN_PREFIX}a0"
  ip -n "$VPN_NS_B" addr add 198.51.100.2/24 dev "${VPN_PREFIX}b0"
  for ns in "$VPN_NS_A" "$VPN_NS_B"; do
    ip -n "$ns" link set lo up
  done
  ip -n "$VPN_NS_A" link set "${VPN_PREFIX}a0" up
  ip -n "$VPN_NS_B" link set "${VPN_PREFIX}b0" up
}

vpn_keys() {
  local side
  for side in alpha bravo; do
    [ -f "$VPN_DIR/$side.key" ] && continue
    if [ -x "$SECNET_KEYGEN" ]; then
      "$SECNET_KEYGEN" -b 2048 -C "$side@demo" -f "$VPN_DIR/$side.key" >"$VPN_DIR/$side.keygen.out" || return 1
      sed -n 's/;$//; /^rsa-public/p' "$VPN_DIR/$side.keygen.out" >"$VPN_DIR/$side.key.conf"
    else
      echo "error: key generator $SECNET_KEYGEN not found (build first)" >&2; return 1
    fi
  done
}

# vpn_daemon_config SELF LOCAL SECNETADDR SELF_IP TRANSFORM: the parts of a test site's
# configuration that every scenario shares: log, system, resolver, random, transform, the tun
# netlink and the udp comm (the end-to-end key-set scenarios use it too).
vpn_daemon_config() {
  local self=$1 local=$2 secaddr=$3 selfip=$4 transform=$5
  cat <<CONF
log logfile {
	filename "$VPN_DIR/$self.log";
	class "info","notice","warning","error","security","fatal";
};
system {
	pidfile "$VPN_DIR/$self.pid";
	control-socket "$VPN_DIR/$self.ctl";
};
resolver adns { };
log-events "all";
random randomfile("/dev/urandom", no);
transform $transform;
netlink tun {
	name "netlink-tun";
	local-address "$local";
	secnet-address "$secaddr";
	remote-networks "192.0.2.0/24";
	mtu $VPN_MTU;
	buffer sysbuffer(65536);
	interface "${VPN_PREFIX}-$self";
};
comm udp {
	address "$selfip";
	port 16900;
	buffer sysbuffer(65536);
};
CONF
}

# vpn_site_config SELF PEER SELF_NET PEER_NET LOCAL SECNETADDR SELF_IP PEER_IP TRANSFORM EXTRA
vpn_site_config() {
  local self=$1 peer=$2 peernet=$4 local=$5 secaddr=$6 selfip=$7 peerip=$8 transform=$9 extra=${10}
  local pub; pub=$(cat "$VPN_DIR/$peer.key.conf")
  echo "# secnet configuration for site \"$self\" (written by scripts/vpn-netns.sh)"
  vpn_daemon_config "$self" "$local" "$secaddr" "$selfip" "$transform"
  cat <<CONF
dh diffie-hellman("$VPN_DH_P", "2");
hash sha1;
local-name "$self";
local-key rsa-private("$VPN_DIR/$self.key");
mtu-target $VPN_MTU;
$extra
sites site {
	name "$peer";
	link netlink { routes "$peernet"; };
	address "[$peerip]";
	port 16900;
	key $pub;
};
CONF
}

vpn_write_configs() {
  vpn_keys || return 1
  vpn_site_config alpha bravo 192.0.2.0/25 192.0.2.128/25 192.0.2.1 192.0.2.2 198.51.100.1 198.51.100.2 \
    "$VPN_TRANSFORM_A" "$VPN_EXTRA_A" >"$VPN_DIR/alpha.conf"
  vpn_site_config bravo alpha 192.0.2.128/25 192.0.2.0/25 192.0.2.129 192.0.2.130 198.51.100.2 198.51.100.1 \
    "$VPN_TRANSFORM_B" "$VPN_EXTRA_B" >"$VPN_DIR/bravo.conf"
}

vpn_binary() { if [ "$1" = real ]; then echo "$SECNET_REAL"; else echo "$SECNET_OURS"; fi; }

# vpn_start_one SIDE IMPL: runs secnet in the foreground (-n) in its namespace, in the background
vpn_start_one() {
  local side=$1 impl=$2 ns bin
  ns=$VPN_NS_A; [ "$side" = bravo ] && ns=$VPN_NS_B
  bin=$(vpn_binary "$impl")
  rm -f "$VPN_DIR/$side.log"
  (cd "$VPN_DIR" && exec ip netns exec "$ns" "$bin" -n ${VPN_ARGS:-} -c "$VPN_DIR/$side.conf" >"$VPN_DIR/$side.out" 2>&1) &
  echo $! >"$VPN_DIR/$side.runner"
}

vpn_start() {
  vpn_start_one alpha "$VPN_IMPL_A"
  vpn_start_one bravo "$VPN_IMPL_B"
  vpn_wait_tun alpha && vpn_wait_tun bravo
}

vpn_wait_tun() {
  local side=$1 ns i
  ns=$VPN_NS_A; [ "$side" = bravo ] && ns=$VPN_NS_B
  for i in $(seq 1 100); do
    ip -n "$ns" link show "${VPN_PREFIX}-$side" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "error: $side did not create its tun device; its output:" >&2
  cat "$VPN_DIR/$side.out" "$VPN_DIR/$side.log" >&2 2>/dev/null
  return 1
}

# The pid of the secnet process of a side (the runner's child after exec).
vpn_pid() { cat "$VPN_DIR/$1.runner" 2>/dev/null; }

vpn_stop() {
  local side pid
  for side in alpha bravo; do
    pid=$(vpn_pid "$side") || continue
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
  done
  for side in alpha bravo; do
    pid=$(vpn_pid "$side") || continue
    [ -n "$pid" ] || continue
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
}

vpn_teardown_ns() {
  ip netns pids "$VPN_NS_A" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns pids "$VPN_NS_B" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$VPN_NS_A" 2>/dev/null
  ip netns del "$VPN_NS_B" 2>/dev/null
  return 0
}

vpn_teardown() {
  vpn_stop
  vpn_teardown_ns
}

# vpn_ping_ok: waits (up to $1 seconds) until alpha can ping bravo's host address through the tunnel
vpn_ping_ok() {
  local deadline=$(( $(date +%s) + ${1:-20} ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ip netns exec "$VPN_NS_A" ping -c 1 -W 1 192.0.2.129 >/dev/null 2>&1 && return 0
  done
  return 1
}
