# shellcheck shell=bash
# A hub with many spokes in ONE network namespace, on loopback: the hub listens on 127.0.0.1:20000,
# spoke i on 127.0.0.1:(20000+i).
# Netlinks are null-netlink (no tun devices: this is about the site protocol and the daemon's
# work queues, not packets), routes are /32s of 192.0.2.0/24 (only ever configuration text here).
# One RSA key pair for the hub and one shared by every spoke (1024 bits: made in a fraction of a
# second), a 1024-bit DH group. Source it; everything is torn down on exit, even on failure.
set -uo pipefail
HUB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${VPN_PREFIX:=hub$(( $$ % 10000 ))}"
: "${SECNET_OURS:=$HUB_REPO/out/secnet}"
: "${SECNET_KEYGEN:=$HUB_REPO/out/secnet-keygen}"
: "${SECNET_REAL:=/usr/sbin/secnet}"
HUB_NS="${VPN_PREFIX}-hub"
HUB_DIR=$(mktemp -d "/tmp/${VPN_PREFIX}.XXXXXX")
HUB_PORT=20000
# Site keys every configuration gets (timers, log-events); the scenario may add to it.
: "${HUB_SITE_KEYS:=}"
HUB_DH_P=FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF

hub_fail() { echo "FAIL: $*"; hub_dump; exit 1; }
hub_dump() {
  local f
  for f in "$HUB_DIR"/hub.out; do
    [ -s "$f" ] && { echo "---- $f (last 40 lines)"; tail -40 "$f"; }
  done
}
hub_teardown() {
  ip netns pids "$HUB_NS" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  ip netns del "$HUB_NS" 2>/dev/null
  rm -rf "$HUB_DIR"
}
trap hub_teardown EXIT
trap 'exit 1' INT TERM HUP PIPE  # so that a scenario killed or cut short still tears down

hub_ns_up() {
  [ "$(id -u)" = 0 ] || { echo "error: must run as root (network namespaces)" >&2; return 1; }
  ip netns del "$HUB_NS" 2>/dev/null
  ip netns add "$HUB_NS" && ip -n "$HUB_NS" link set lo up
}

hub_keys() {
  local who
  for who in hub spoke; do
    "$SECNET_KEYGEN" -b 1024 -C "$who" -f "$HUB_DIR/$who.key" >"$HUB_DIR/$who.keygen.out" || return 1
    sed -n 's/;$//; /^rsa-public/p' "$HUB_DIR/$who.keygen.out" >"$HUB_DIR/$who.key.conf"
  done
}

# hub_common NAME LOCALNAME PORT: the top of a configuration (log, system, crypto, netlink, comm)
hub_common() {
  cat <<CONF
log logfile {
	filename "$HUB_DIR/$1.log";
	class "info","notice","warning","error","security","fatal";
};
system { pidfile "$HUB_DIR/$1.pid"; control-socket "$HUB_DIR/$1.ctl"; };
resolver adns { };
random randomfile("/dev/urandom", no);
hash sha1;
dh diffie-hellman("$HUB_DH_P", "2");
transform eax-serpent { };
netlink null-netlink { name "nl-$1"; local-address "192.0.2.1"; secnet-address "192.0.2.2"; mtu 1400; };
comm udp { address "127.0.0.1"; port $3; buffer sysbuffer(65536); };
local-name "$2";
log-events "default";
hub-key $(cat "$HUB_DIR/hub.key.conf");
spoke-key $(cat "$HUB_DIR/spoke.key.conf");
$HUB_SITE_KEYS
CONF
}

hub_route() { echo "192.0.2.$(( $1 % 250 + 3 ))/32"; }

# hub_write_hub N: the hub's configuration with sites spoke1..spokeN, spoke i at port 20000+i
hub_write_hub() {
  local n=$1 i port sep=""
  {
    hub_common hub hub $HUB_PORT
    echo "local-key rsa-private(\"$HUB_DIR/hub.key\");"
    printf 'sites'
    for i in $(seq 1 "$n"); do
      port=$(( HUB_PORT + i ))
      printf '%s\n\tsite { name "spoke%d"; link netlink { routes "%s"; }; address "[127.0.0.1]"; port %d; key spoke-key; }' \
        "$sep" "$i" "$(hub_route "$i")" "$port"
      sep=","
    done
    echo ";"
  } >"$HUB_DIR/hub.conf"
}

# hub_write_spoke I: a one-site spoke daemon (spokeI) on port 20000+I
hub_write_spoke() {
  {
    hub_common "spoke$1" "spoke$1" $(( HUB_PORT + $1 ))
    echo "local-key rsa-private(\"$HUB_DIR/spoke.key\");"
    echo "sites site { name \"hub\"; link netlink { routes \"192.0.2.1/32\"; }; address \"[127.0.0.1]\"; port $HUB_PORT; key hub-key; };"
  } >"$HUB_DIR/spoke$1.conf"
}

hub_binary() { if [ "$1" = real ]; then echo "$SECNET_REAL"; else echo "$SECNET_OURS"; fi; }

# hub_start NAME IMPL: runs NAME.conf in the foreground (-n) inside the namespace, in the background;
# the daemon's pid goes to NAME.runner.
hub_start() {
  local bin; bin=$(hub_binary "$2")
  (cd "$HUB_DIR" && exec ip netns exec "$HUB_NS" "$bin" -n -c "$HUB_DIR/$1.conf" >>"$HUB_DIR/$1.out" 2>&1) &
  echo $! >"$HUB_DIR/$1.runner"
  disown $!  # no "Killed" job notices when a scenario kills a daemon
}

hub_pid() { cat "$HUB_DIR/$1.runner"; }

# hub_wait_port PORT SECONDS: until something listens on 127.0.0.1:PORT/udp in the namespace
hub_wait_port() {
  local i
  for i in $(seq 1 $(( ${2:-10} * 20 ))); do
    ip netns exec "$HUB_NS" ss -Hlun "sport = :$1" 2>/dev/null | grep -q . && return 0
    sleep 0.05
  done
  return 1
}

# hub_count NAME REGEX: matching lines in a daemon's log (in the foreground secnet logs to stdout)
hub_count() { local c; c=$(grep -cE "$2" "$HUB_DIR/$1.out" 2>/dev/null); echo "${c:-0}"; }

# hub_rss PID: resident set size in KiB
hub_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
