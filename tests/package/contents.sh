#!/bin/bash
# The package without installing it: file list, control fields, maintainer scripts, man pages
# (rendered, no groff warnings), the unit, and the packaged binaries extracted into a scratch root
# (-j on sample configurations, both native variants, secnet --keygen).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
pkg_build

step "file name and control fields"
[ "$(basename "$PKG_DEB")" = "secnet_${PKG_UPSTREAM}_amd64.deb" ] || fail "file name $(basename "$PKG_DEB")"
field() { dpkg-deb -f "$PKG_DEB" "$1"; }
[ "$(field Package)" = secnet ] || fail "Package: $(field Package)"
[ "$(field Version)" = "1:$PKG_UPSTREAM" ] || fail "Version: $(field Version)"
dpkg --compare-versions "$(field Version)" gt 0.6.7 || fail "version does not sort above Debian's 0.6.7"
dpkg --compare-versions "$(field Version)" gt 0.6.10 || fail "version does not sort above Debian's 0.6.10"
[ "$(field Architecture)" = amd64 ] || fail "Architecture: $(field Architecture)"
for f in Provides Conflicts Replaces; do [ "$(field $f)" = secnet ] || fail "$f: $(field $f)"; done
deps=$(field Depends)
for d in 'libc6' 'libssl3 | libssl3t64' 'libgmp10' 'libmd0'; do
  grep -qF "$d" <<<"$deps" || fail "Depends lacks $d: $deps"
done
[ -n "$(field Installed-Size)" ] || fail "no Installed-Size"

step "file list"
dpkg-deb -c "$PKG_DEB" | awk '{print $1, $6}' | sed 's: \./: /:' >"$PKG_TMP/list"
want=(
  "-rwxr-xr-x /usr/sbin/secnet" "-rwxr-xr-x /usr/sbin/secnet.x86-64-v3" "-rwxr-xr-x /usr/bin/secnet-keygen"
  "-rwxr-xr-x /usr/sbin/secnet-ctl" "-rw-r--r-- /usr/share/man/man8/secnet-ctl.8.gz" "-rw-r--r-- /usr/share/doc/secnet/CONTROL.md"
  "-rwxr-xr-x /usr/share/secnet/polypath-interface-monitor-linux"
  "-rw-r--r-- /usr/share/man/man8/secnet.8.gz" "-rw-r--r-- /usr/share/man/man1/secnet-keygen.1.gz"
  "-rw-r--r-- /lib/systemd/system/secnet.service" "-rw-r--r-- /etc/logrotate.d/secnet"
  "-rw-r--r-- /etc/default/secnet" "-rw-r--r-- /usr/share/doc/secnet/copyright"
  "-rw-r--r-- /usr/share/doc/secnet/changelog.Debian.gz"
)
for w in "${want[@]}"; do grep -qxF -- "$w" "$PKG_TMP/list" || { cat "$PKG_TMP/list"; fail "missing: $w"; }; done
grep -E '\.(dbg|pdb)$|\.deb$' "$PKG_TMP/list" && fail "debug symbols or build output in the package"
dpkg-deb -c "$PKG_DEB" | awk '$2 != "root/root" {print; bad=1} END {exit bad}' || fail "files not owned by root"

step "control archive: conffiles, md5sums, maintainer scripts"
ctl="$PKG_TMP/ctl"; dpkg-deb -e "$PKG_DEB" "$ctl"
[ "$(sort "$ctl/conffiles")" = "$(printf '/etc/default/secnet\n/etc/logrotate.d/secnet')" ] || fail "conffiles: $(cat "$ctl/conffiles")"
for s in postinst prerm postrm; do
  [ -x "$ctl/$s" ] || fail "$s missing or not executable"
  sh -n "$ctl/$s" || fail "$s: shell syntax"
done
grep -q 'usr/sbin/secnet$' "$ctl/md5sums" || fail "md5sums lacks usr/sbin/secnet"

step "extract into a scratch root"
root="$PKG_TMP/root"; dpkg-deb -x "$PKG_DEB" "$root"
(cd "$root" && md5sum --quiet -c "$ctl/md5sums") || fail "md5sums do not match the contents"
# Same content as Debian's conffile, so an upgrade over Debian's secnet never asks about it.
[ "$(md5sum <"$root/etc/default/secnet" | cut -d' ' -f1)" = 976b265a62454514fcd720cac07d9841 ] \
  || fail "/etc/default/secnet differs from Debian's (dpkg would prompt on upgrade)"
grep -qx 'exec /usr/sbin/secnet --keygen "$@"' "$root/usr/bin/secnet-keygen" || fail "secnet-keygen wrapper"
grep -qx 'exec /usr/sbin/secnet --ctl "$@"' "$root/usr/sbin/secnet-ctl" || fail "secnet-ctl wrapper"
zcat "$root/usr/share/doc/secnet/changelog.Debian.gz" | head -1 | grep -qF "secnet (1:$PKG_UPSTREAM)" \
  || fail "changelog.Debian's first entry is not 1:$PKG_UPSTREAM"
file "$root/usr/sbin/secnet" "$root/usr/sbin/secnet.x86-64-v3" | grep -v ', stripped' && fail "binaries not stripped"

step "man pages render without warnings"
for m in man8/secnet.8.gz man1/secnet-keygen.1.gz man8/secnet-ctl.8.gz; do
  zcat "$root/usr/share/man/$m" | groff -ww -z -man 2>"$PKG_TMP/groff.err"
  [ ! -s "$PKG_TMP/groff.err" ] || { cat "$PKG_TMP/groff.err"; fail "groff warnings in $m"; }
  MANWIDTH=80 man --warnings -l "$root/usr/share/man/$m" >"$PKG_TMP/man.txt" 2>"$PKG_TMP/man.err" || fail "man -l $m"
  [ ! -s "$PKG_TMP/man.err" ] || { cat "$PKG_TMP/man.err"; fail "man warnings in $m"; }
done
MANWIDTH=80 man -l "$root/usr/share/man/man8/secnet.8.gz" >"$PKG_TMP/secnet.8.txt" 2>/dev/null
for s in SYNOPSIS OPTIONS CONFIGURATION SIGNALS ENVIRONMENT 'EXIT STATUS' FILES \
         --just-check-config --managed SIGHUP SIGUSR1 SIGTERM SECNET_SERPENT_KERNEL SECNET_NATIVE_VARIANT \
         SECNET_SYSLOG_SOCKET RUN_SECNET /etc/secnet/secnet.conf eax-serpent polypath crypto-workers offload; do
  grep -qF -- "$s" "$PKG_TMP/secnet.8.txt" || fail "secnet(8) does not mention $s"
done
# Every option of --help is documented.
"$root/usr/sbin/secnet" --help | grep -oE -- '--[a-z-]+' | sort -u | while read -r o; do
  grep -qF -- "$o" "$PKG_TMP/secnet.8.txt" || { echo "secnet(8) lacks $o"; exit 1; }
done || fail "secnet(8) misses options of --help"

MANWIDTH=80 man -l "$root/usr/share/man/man8/secnet-ctl.8.gz" >"$PKG_TMP/secnet-ctl.8.txt" 2>/dev/null
for s in status metrics rekey reload --json control-socket control-socket-group metrics-listen 'EXIT STATUS' /run/secnet/secnet.sock; do
  grep -qF -- "$s" "$PKG_TMP/secnet-ctl.8.txt" || fail "secnet-ctl(8) does not mention $s"
done
# Every command and option of secnet-ctl --help is documented.
"$root/usr/sbin/secnet" --ctl --help | grep -oE -- '--[a-z-]+|^  [a-z]+' | sed 's/^ *//' | sort -u | while read -r o; do
  grep -qF -- "$o" "$PKG_TMP/secnet-ctl.8.txt" || { echo "secnet-ctl(8) lacks $o"; exit 1; }
done || fail "secnet-ctl(8) misses commands or options of --help"
"$root/usr/sbin/secnet" --ctl -s "$PKG_TMP/none.sock" status >/dev/null 2>&1; rc=$?
[ $rc = 3 ] || fail "secnet --ctl against no daemon exits $rc, not 3"

step "systemd unit"
unit="$root/lib/systemd/system/secnet.service"
for l in 'Type=notify' 'EnvironmentFile=-/etc/default/secnet' 'ExecStart=/usr/sbin/secnet -m -c /etc/secnet/secnet.conf'; do
  grep -qxF "$l" "$unit" || fail "unit lacks $l"
done
grep -q '^ExecCondition=.*RUN_SECNET.*yes' "$unit" || fail "unit does not honour RUN_SECNET"
if command -v systemd-analyze >/dev/null; then
  # verify wants the binaries at their installed paths: check a copy pointing into the scratch root
  sed "s:/usr/sbin/secnet:$root/usr/sbin/secnet:g" "$unit" >"$PKG_TMP/secnet.service"
  systemd-analyze verify "$PKG_TMP/secnet.service" >"$PKG_TMP/verify.out" 2>&1
  grep -v -e 'network-online.target' -e '^$' "$PKG_TMP/verify.out" | grep . && fail "systemd-analyze verify complains"
fi
RUN_SECNET=yes sh -c 'test "${RUN_SECNET}" = yes' || fail "RUN_SECNET test"

step "packaged binaries: version, -j on the corpus's ok-full.conf and a generated site config"
sn="$root/usr/sbin/secnet"
"$sn" --version | grep -q "$PKG_UPSTREAM" || fail "secnet --version: $("$sn" --version)"
for variant in "" baseline; do
  (cd "$PKG_REPO/tests/vectors/config" && SECNET_NATIVE_VARIANT=$variant "$sn" -j -c ok-full.conf) >"$PKG_TMP/j.out" 2>&1 \
    || { cat "$PKG_TMP/j.out"; fail "secnet -j ok-full.conf (variant '${variant:-auto}')"; }
done
VPN_DIR="$PKG_TMP/site" SECNET_KEYGEN="$PKG_TMP/keygen" VPN_PREFIX=pkgtest
mkdir -p "$VPN_DIR"
# The packaged wrapper execs /usr/sbin/secnet (the host's may be Debian's); call the scratch one.
printf '#!/bin/sh\nexec %q --keygen "$@"\n' "$sn" >"$SECNET_KEYGEN"; chmod +x "$SECNET_KEYGEN"
. "$PKG_REPO/scripts/vpn-netns.sh"
vpn_write_configs || fail "writing a site configuration"
check "secnet -j on a generated site configuration" "$sn" -j -c "$VPN_DIR/alpha.conf"
if [ -x /usr/sbin/secnet ] && ! /usr/sbin/secnet --version 2>&1 | grep -q cs; then
  check "Debian's secnet -j on the same configuration" /usr/sbin/secnet -j -c "$VPN_DIR/alpha.conf"
fi
"$sn" -j -c "$PKG_TMP/nonexistent.conf" >/dev/null 2>&1; rc=$?
[ $rc -ne 0 ] || fail "secnet -j on a missing file exits 0"
echo "package contents: ok"
