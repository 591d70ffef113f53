#!/bin/bash
# Installs the package over Debian's secnet, then removes and purges it, in a throwaway copy of
# this machine: a private mount namespace with an overlay of / (changes go to a tmpfs) and a
# chroot into it. The host's dpkg database and Debian's /usr/sbin/secnet (which the end-to-end
# tests run) are never touched, even if this script is killed: the namespace's mounts vanish with
# it. Needs root and overlayfs.
#   install.sh            (outside) build the package, a 0.6.7-style /etc/secnet, run the inside part
#   install.sh --inside DIR   (inside the chroot) the dpkg steps; DIR holds the .deb and the config
set -uo pipefail

if [ "${1:-}" = --inside ]; then
  in=$2
  step() { echo "-- $*"; }
  fail() { echo "FAIL: $*"; exit 1; }
  export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  deb=$(ls "$in"/secnet_*_amd64.deb); version=$(dpkg-deb -f "$deb" Version)
  status() { dpkg-query -W -f '${Status}' secnet 2>/dev/null; }
  sums() { (cd /etc/secnet && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum); }

  step "before: Debian's secnet $(dpkg-query -W -f '${Version}' secnet) with an existing /etc/secnet"
  [ "$(status)" = "install ok installed" ] || fail "Debian's secnet is not installed here"
  /usr/sbin/secnet --version | grep -q cs && fail "/usr/sbin/secnet is already ours"
  mkdir -p /etc/secnet && cp "$in"/etc-secnet/* /etc/secnet/
  /usr/sbin/secnet -j -c /etc/secnet/secnet.conf >"$in/j.out" 2>&1 || { cat "$in/j.out"; fail "Debian's secnet rejects the sample config"; }
  # The admin has switched the daemon on: a modified conffile dpkg must keep without asking.
  echo RUN_SECNET=yes >/etc/default/secnet
  before=$(sums)

  step "dpkg -i $(basename "$deb") over Debian's secnet"
  dpkg -i "$deb" </dev/null >"$in/dpkg.out" 2>&1 || { cat "$in/dpkg.out"; fail "dpkg -i"; }
  grep -i 'conffile' "$in/dpkg.out" && fail "dpkg asked about a conffile"
  [ "$(status)" = "install ok installed" ] || fail "status after install: $(status)"
  [ "$(dpkg-query -W -f '${Version}' secnet)" = "$version" ] || fail "installed version is not $version"
  /usr/sbin/secnet --version | grep -q cs || fail "/usr/sbin/secnet is not ours: $(/usr/sbin/secnet --version)"
  [ -x /usr/sbin/secnet.x86-64-v3 ] || fail "secnet.x86-64-v3 not installed beside secnet"
  [ "$(sums)" = "$before" ] || fail "/etc/secnet changed"
  [ "$(cat /etc/default/secnet)" = RUN_SECNET=yes ] || fail "/etc/default/secnet lost the admin's RUN_SECNET=yes"
  for v in "" baseline; do
    (cd / && SECNET_NATIVE_VARIANT=$v secnet -j -c /etc/secnet/secnet.conf) >"$in/j.out" 2>&1 \
      || { cat "$in/j.out"; fail "secnet -j -c /etc/secnet/secnet.conf (variant '${v:-auto}')"; }
  done
  [ "$(man -w secnet)" = /usr/share/man/man8/secnet.8.gz ] || fail "man -w secnet: $(man -w secnet)"
  MANWIDTH=80 man secnet 2>/dev/null | grep -q 'C# reimplementation' || fail "man secnet does not show ours"
  MANWIDTH=80 man secnet-keygen 2>/dev/null | grep -q 'SSH' || fail "man secnet-keygen"
  secnet-keygen -b 1024 -C pkgtest -f "$in/newkey" >"$in/keygen.out" 2>&1 || { cat "$in/keygen.out"; fail "secnet-keygen"; }
  grep -q '^rsa-public("' "$in/keygen.out" || fail "secnet-keygen printed no rsa-public snippet"
  [ "$(stat -c %a "$in/newkey")" = 600 ] || fail "private key mode $(stat -c %a "$in/newkey")"
  [ -x /usr/share/secnet/polypath-interface-monitor-linux ] || fail "polypath monitor missing"
  secnet-ctl --help | grep -q '^usage: secnet-ctl' || fail "secnet-ctl --help"
  MANWIDTH=80 man secnet-ctl 2>/dev/null | grep -q 'control socket' || fail "man secnet-ctl"
  dpkg -S /usr/share/secnet/polypath-interface-monitor-linux | grep -q '^secnet:' || fail "monitor not owned by secnet"
  [ -L /etc/systemd/system/multi-user.target.wants/secnet.service ] || fail "unit not enabled (Debian's is, via update-rc.d)"
  [ -z "$(dpkg --audit)" ] || { dpkg --audit; fail "dpkg --audit"; }

  step "dpkg -r secnet: program gone, conffiles and /etc/secnet kept"
  dpkg -r secnet </dev/null >"$in/dpkg.out" 2>&1 || { cat "$in/dpkg.out"; fail "dpkg -r"; }
  [ "$(status)" = "deinstall ok config-files" ] || fail "status after remove: $(status)"
  for f in /usr/sbin/secnet /usr/sbin/secnet.x86-64-v3 /usr/bin/secnet-keygen /usr/sbin/secnet-ctl /usr/share/man/man8/secnet.8.gz \
           /lib/systemd/system/secnet.service /usr/share/secnet/polypath-interface-monitor-linux; do
    [ ! -e "$f" ] || fail "$f left after remove"
  done
  [ -f /etc/default/secnet ] && [ -f /etc/logrotate.d/secnet ] || fail "conffiles removed by dpkg -r"
  [ "$(sums)" = "$before" ] || fail "/etc/secnet changed by dpkg -r"

  step "dpkg -P secnet: conffiles gone, the admin's /etc/secnet kept"
  dpkg -P secnet </dev/null >"$in/dpkg.out" 2>&1 || { cat "$in/dpkg.out"; fail "dpkg -P"; }
  [ -z "$(status)" ] || [ "$(status)" = "unknown ok not-installed" ] || fail "status after purge: $(status)"
  for f in /etc/default/secnet /etc/logrotate.d/secnet /etc/systemd/system/multi-user.target.wants/secnet.service; do
    [ ! -e "$f" ] && [ ! -L "$f" ] || fail "$f left after purge"
  done
  [ "$(sums)" = "$before" ] || fail "/etc/secnet changed by purge"

  step "fresh install with apt (the README's way), reinstall with dpkg -i, remove"
  apt-get install -y -q "$deb" </dev/null >"$in/apt.out" 2>&1 || { cat "$in/apt.out"; fail "apt-get install ./deb"; }
  [ "$(status)" = "install ok installed" ] || fail "status after apt install: $(status)"
  [ "$(cat /etc/default/secnet)" = RUN_SECNET=no ] || fail "fresh /etc/default/secnet: $(cat /etc/default/secnet)"
  secnet -j -c /etc/secnet/secnet.conf >/dev/null 2>&1 || fail "secnet -j after a fresh install"
  dpkg -i "$deb" </dev/null >"$in/dpkg.out" 2>&1 || { cat "$in/dpkg.out"; fail "dpkg -i again (upgrade path)"; }
  dpkg -r secnet </dev/null >"$in/dpkg.out" 2>&1 || { cat "$in/dpkg.out"; fail "dpkg -r after reinstall"; }
  echo "package install: ok"
  exit 0
fi

. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || fail "needs root (mount namespace, overlayfs, chroot)"
dpkg-query -W -f '${Status}' secnet 2>/dev/null | grep -q 'install ok installed' \
  || fail "Debian's secnet is not installed (apt-get install secnet): nothing to upgrade from"
pkg_build

step "a 0.6.7-style /etc/secnet (keys from the published secnet-keygen)"
export VPN_DIR="$PKG_TMP/etc-secnet" VPN_PREFIX=pkgtest SECNET_KEYGEN="$SECNET_PUBLISHED/secnet-keygen"
mkdir -p "$VPN_DIR"
. "$PKG_REPO/scripts/vpn-netns.sh"
vpn_write_configs || fail "writing a site configuration"
# Absolute paths into /etc/secnet, as a real installation has them.
sed "s:$VPN_DIR:/etc/secnet:g" "$VPN_DIR/alpha.conf" >"$VPN_DIR/secnet.conf"
rm -f "$VPN_DIR/alpha.conf" "$VPN_DIR/bravo.conf" "$VPN_DIR"/*.out "$VPN_DIR"/*.key.conf

step "throwaway root: overlay of / on a tmpfs, in a private mount namespace"
scratch=$(mktemp -d /tmp/secnet-pkgroot.XXXXXX)
pkg_cleanup_hooks+=("rmdir '$scratch'")
unshare -m --propagation private bash -c '
  set -e
  s=$1 in=$2 self=$3
  mount -t tmpfs -o size=512m tmpfs "$s"
  mkdir "$s/u" "$s/w" "$s/m"
  mount -t overlay overlay -o "lowerdir=/,upperdir=$s/u,workdir=$s/w" "$s/m"
  mount -t proc proc "$s/m/proc"
  mount --rbind /dev "$s/m/dev"
  mount -t tmpfs tmpfs "$s/m/run"
  mkdir -p "$s/m/pkgtest"
  cp -r "$in/." "$s/m/pkgtest/"
  cp "$self" "$s/m/pkgtest/install.sh"
  exec chroot "$s/m" /bin/bash /pkgtest/install.sh --inside /pkgtest
' inside "$scratch" "$PKG_TMP" "$(readlink -f "$0")"
rc=$?
[ $rc -eq 0 ] || fail "the install test failed inside the throwaway root (exit $rc)"
dpkg-query -W -f '${Version}' secnet | grep -qx '0.6.7' || echo "note: host secnet is $(dpkg-query -W -f '${Version}' secnet)"
/usr/sbin/secnet --version 2>&1 | grep -q cs && fail "the host's /usr/sbin/secnet changed"
echo "package install: ok (host untouched)"
