#!/bin/bash
# reload.sh: `secnet-ctl reload` on a running hub (issue 18). Three sites on one underlay bridge,
# all ours, each with a tun: bravo starts with alpha only. Under a continuous ping alpha -> bravo:
# bravo's configuration gains charlie and is reloaded (charlie must key up and carry a ping), a
# broken configuration is refused (secnet-ctl fails with the error, the daemon keeps running),
# and charlie is removed again (charlie must get bravo's MSG7 and lose its tunnel). The ping
# alpha -> bravo must lose nothing and bravo must not rekey with alpha: its tunnel stays as it was.
. "$(dirname "$0")/lib.sh"
: "${SECNET_CTL:=$E2E_REPO/out/secnet-ctl}"
e2e_three_sides

# The control socket: vpn_daemon_config puts each side's in its directory.
CTL_SOCKET="$VPN_DIR/bravo.ctl"
ctl_reload() { ip netns exec "$NS_B" "$SECNET_CTL" -s "$CTL_SOCKET" reload; }

rl_teardown() { e2e_bridge_teardown; rm -rf "$VPN_DIR"; }
trap rl_teardown EXIT
trap 'exit 1' INT TERM HUP PIPE
e2e_dump() {
  local f
  for f in "$VPN_DIR"/*.out "$VPN_DIR"/*.log "$VPN_DIR"/*.ping "$VPN_DIR"/*.ctl.out; do
    [ -s "$f" ] && { echo "---- $f (last 30 lines)"; tail -30 "$f"; }
  done
}

rl_setup() {
  vpn_need_root || return 1
  e2e_bridge_teardown
  e2e_bridge_sides
}

rl_keys() {
  local side
  for side in $SIDES; do
    "$SECNET_KEYGEN" -b 1024 -C "$side@reload" -f "$VPN_DIR/$side.key" >"$VPN_DIR/$side.keygen.out" || return 1
    sed -n 's/;$//; /^rsa-public/p' "$VPN_DIR/$side.keygen.out" >"$VPN_DIR/$side.key.conf"
  done
}

# rl_site PEER: one site stanza
rl_site() {
  printf '\tsite { name "%s"; link netlink { routes "%s"; }; address "[%s]"; port 16900; key %s; }' \
    "$1" "${NET[$1]}" "${UNDER[$1]}" "$(cat "$VPN_DIR/$1.key.conf")"
}

# rl_config SELF PEER...: SELF's whole configuration with sites for the PEERs
rl_config() {
  local self=$1 sep="" peer; shift
  {
    vpn_daemon_config "$self" "${HOST[$self]}" "${SECADDR[$self]}" "${UNDER[$self]}" 'eax-serpent { }'
    echo "dh diffie-hellman(\"$VPN_DH_P\", \"2\");"
    echo "hash sha1;"
    echo "local-name \"$self\";"
    echo "local-key rsa-private(\"$VPN_DIR/$self.key\");"
    printf 'sites'
    for peer in "$@"; do printf '%s\n%s' "$sep" "$(rl_site "$peer")"; sep=","; done
    echo ";"
  } >"$VPN_DIR/$self.conf.new"
  mv "$VPN_DIR/$self.conf.new" "$VPN_DIR/$self.conf"
}

rl_start() {
  (cd "$VPN_DIR" && exec ip netns exec "${NS[$1]}" "$SECNET_OURS" -n -c "$VPN_DIR/$1.conf" >"$VPN_DIR/$1.out" 2>&1) &
  echo $! >"$VPN_DIR/$1.runner"
  disown $!
}

rl_wait_tun() {
  local i
  for i in $(seq 1 100); do
    ip -n "${NS[$1]}" link show "${VPN_PREFIX}-$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# rl_ping FROM TO SECONDS: until FROM's host pings TO's through the tunnel
rl_ping() {
  local deadline=$(( $(date +%s) + $3 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    ip netns exec "${NS[$1]}" ping -c 1 -W 1 "${HOST[$2]}" >/dev/null 2>&1 && return 0
  done
  return 1
}

# rl_log SIDE REGEX: matching lines in a side's log file and output
rl_log() { cat "$VPN_DIR/$1.out" "$VPN_DIR/$1.log" 2>/dev/null | grep -cE "$2"; }

# rl_wait_log SIDE REGEX SECONDS
rl_wait_log() {
  local i
  for i in $(seq 1 $(( $3 * 10 ))); do [ "$(rl_log "$1" "$2")" -gt 0 ] && return 0; sleep 0.1; done
  return 1
}

[ -x "$SECNET_CTL" ] || fail "$SECNET_CTL missing: this scenario needs secnet-ctl (the control socket of issue 18)"
rl_setup || fail "namespaces"
rl_keys || fail "keys"
rl_config alpha bravo
rl_config bravo alpha
rl_config charlie bravo
for side in $SIDES; do rl_start "$side"; done
for side in $SIDES; do rl_wait_tun "$side" || fail "$side did not create its tun"; done
rl_ping alpha bravo 30 || fail "alpha <-> bravo never came up"
ALPHA_KEYS=$(rl_log bravo 'bravo<->alpha: new key activated')

# 0.1 s apart for 20 s: the whole scenario below runs inside it.
ip netns exec "$NS_A" ping -i 0.1 -c 200 -W 2 "${HOST[bravo]}" >"$VPN_DIR/alpha-bravo.ping" 2>&1 &
PING=$!
sleep 1

# 1. A third site added.
rl_config bravo alpha charlie
ctl_reload >"$VPN_DIR/add.ctl.out" 2>&1 || fail "reload adding charlie failed: $(cat "$VPN_DIR/add.ctl.out")"
grep -q 'site charlie: added' "$VPN_DIR/add.ctl.out" || fail "reload did not say charlie was added: $(cat "$VPN_DIR/add.ctl.out")"
rl_ping charlie bravo 30 || fail "charlie <-> bravo did not come up after the reload"
rl_wait_log bravo 'bravo<->charlie: new key activated' 5 || fail "bravo did not key with charlie"
echo "charlie added by reload and keyed"

# 2. A broken configuration: refused with its error, nothing changes, the daemon runs on.
cp "$VPN_DIR/bravo.conf" "$VPN_DIR/bravo.conf.good"
echo 'sites site { name "dave"; link netlink { routes "192.0.2.192/26"; }; };' >>"$VPN_DIR/bravo.conf"
if ctl_reload >"$VPN_DIR/broken.ctl.out" 2>&1; then fail "a broken configuration was accepted: $(cat "$VPN_DIR/broken.ctl.out")"; fi
grep -q "bravo.conf:" "$VPN_DIR/broken.ctl.out" || fail "the refusal does not name the file and line: $(cat "$VPN_DIR/broken.ctl.out")"
kill -0 "$(cat "$VPN_DIR/bravo.runner")" 2>/dev/null || fail "bravo died after a refused reload"
ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 1 "${HOST[bravo]}" >/dev/null 2>&1 || fail "charlie's tunnel stopped after a refused reload"
mv "$VPN_DIR/bravo.conf.good" "$VPN_DIR/bravo.conf"
echo "broken configuration refused: $(head -1 "$VPN_DIR/broken.ctl.out")"

# 3. The site removed: charlie gets MSG7 and its tunnel is gone.
rl_config bravo alpha
ctl_reload >"$VPN_DIR/remove.ctl.out" 2>&1 || fail "reload removing charlie failed: $(cat "$VPN_DIR/remove.ctl.out")"
grep -q 'site charlie: removed' "$VPN_DIR/remove.ctl.out" || fail "reload did not say charlie was removed: $(cat "$VPN_DIR/remove.ctl.out")"
rl_wait_log charlie 'charlie<->bravo: session closed \(request from peer\)' 5 || fail "charlie did not get bravo's MSG7"
if ip netns exec "$NS_C" ping -c 3 -i 0.2 -W 1 "${HOST[bravo]}" >/dev/null 2>&1; then fail "charlie still reaches bravo after its site was removed"; fi
echo "charlie removed by reload: MSG7 received, tunnel gone"

wait $PING
grep -q ' 0% packet loss' "$VPN_DIR/alpha-bravo.ping" || fail "alpha -> bravo lost pings across the reloads: $(tail -2 "$VPN_DIR/alpha-bravo.ping")"
[ "$(rl_log bravo 'bravo<->alpha: new key activated')" = "$ALPHA_KEYS" ] || fail "bravo rekeyed with alpha during the reloads"
echo "alpha -> bravo across three reloads: $(grep 'packet loss' "$VPN_DIR/alpha-bravo.ping")"
echo "RELOAD OK"
