# shellcheck shell=bash
# Configurations in the style 0.6.7 recommends for key rollover: a sites file with `pkg`/`pkgf`
# and `pub rsa1` lines, turned into sites.conf by Debian's `make-secnet-sites --pubkeys-install`
# (so every site gets `peer-keys "DIR/peer.NAME"`), and `key-cache priv-cache(...)` instead of
# `local-key`. Source after lib.sh; set the PK_* variables, then call pk_up.
#
#   PK_GROUPS_alpha / PK_GROUPS_bravo   the site's key groups, in set order: "GID" or "f:GID"
#                                       (fallback group); one rsa1 key per group
#   PK_HELD_alpha / PK_HELD_bravo       the groups whose private keys the site holds (default all)
#   PK_SERIAL                           the sites file's serial for both sites (default 00000001)
# Site names are make-secnet-sites' "test/here/alpha" and "test/here/bravo".

PK_SITES_DIR=""

# pk_keygen SIDE GID: a fresh key for SIDE's group GID; the private key is written where the
# priv-cache of SIDE looks for it (held or not is decided later), the `pub rsa1` line to stdout.
pk_keygen() {
  local side=$1 gid=$2 dir=$VPN_DIR/$1/keys
  mkdir -p "$dir"
  "$SECNET_KEYGEN" -b 1024 -C "$side-$gid" -y -g "$gid" -p "$dir/priv." >"$dir/$gid.out" || return 1
  grep '^pub rsa1 ' "$dir/$gid.out"
}

# pk_site_lines SIDE: the sites-file lines of SIDE's keys (pkg/pkgf then pub, per group)
pk_site_lines() {
  local side=$1 g gid groups
  groups=PK_GROUPS_$side
  for g in ${!groups}; do
    gid=${g#f:}
    if [ "$g" != "$gid" ]; then echo " pkgf $gid"; else echo " pkg $gid"; fi
    echo " $(pk_keygen "$side" "$gid")" || return 1
  done
}

pk_sites_file() {
  local pa pb
  pa=$(pk_site_lines alpha) || return 1
  pb=$(pk_site_lines bravo) || return 1
  cat <<SITES
vpn test
contact test@example.com
dh $VPN_DH_P 2
hash sha1
location here root
contact test@example.com
site alpha
 networks 192.0.2.0/25
 peer 192.0.2.2
 address 198.51.100.1 16900
 serial ${PK_SERIAL:-00000001}
$pa
site bravo
 networks 192.0.2.128/25
 peer 192.0.2.130
 address 198.51.100.2 16900
 serial ${PK_SERIAL:-00000001}
$pb
SITES
}

# pk_install_privkeys SIDE: copies the held private keys into SIDE's priv-cache directory
pk_install_privkeys() {
  local side=$1 held g gid
  held=PK_HELD_$side
  [ -n "${!held+x}" ] || { held=PK_GROUPS_$side; }
  mkdir -p "$VPN_DIR/$side/privkeys"
  for g in ${!held}; do
    gid=${g#f:}
    cp "$VPN_DIR/$side/keys/priv.${gid}00" "$VPN_DIR/$side/privkeys/" || return 1
  done
}

# pk_side_config SIDE LOCAL SECNETADDR SELF_IP TRANSFORM EXTRA
pk_side_config() {
  local self=$1 local=$2 secaddr=$3 selfip=$4 transform=$5 extra=$6
  echo "# secnet configuration for site \"$self\" (tests/e2e/peerkeys-lib.sh)"
  vpn_daemon_config "$self" "$local" "$secaddr" "$selfip" "$transform"
  cat <<CONF
local-name "test/here/$self";
key-cache priv-cache({ privkeys "$VPN_DIR/$self/privkeys/priv."; });
mtu-target $VPN_MTU;
$extra
include $VPN_DIR/$self/sites.conf
sites map(site, all-sites);
CONF
}

pk_write_configs() {
  pk_sites_file >"$VPN_DIR/sites" || return 1
  local side
  for side in alpha bravo; do
    mkdir -p "$VPN_DIR/$side/pubkeys"
    # Each side runs make-secnet-sites itself, as a site would with the network's sites file.
    make-secnet-sites --pubkeys-dir="$VPN_DIR/$side/pubkeys" --pubkeys-install \
      "$VPN_DIR/sites" "$VPN_DIR/$side/sites.conf" || return 1
    # Literal addresses, so neither daemon asks a DNS server (there is none in the namespaces).
    sed -i 's/address "\([0-9.]*\)"/address "[\1]"/' "$VPN_DIR/$side/sites.conf"
    pk_install_privkeys "$side" || return 1
  done
  pk_side_config alpha 192.0.2.1 192.0.2.2 198.51.100.1 "$VPN_TRANSFORM_A" "$VPN_EXTRA_A" >"$VPN_DIR/alpha.conf"
  pk_side_config bravo 192.0.2.129 192.0.2.130 198.51.100.2 "$VPN_TRANSFORM_B" "$VPN_EXTRA_B" >"$VPN_DIR/bravo.conf"
}

pk_up() {
  vpn_setup || fail "namespace setup"
  pk_write_configs || fail "configuration"
  vpn_start || fail "daemons did not start"
}

# pk_log SIDE REGEX: the first matching log line of a side
pk_log() { cat "$VPN_DIR/$1.out" "$VPN_DIR/$1.log" 2>/dev/null | grep -m1 -E "$2"; }
