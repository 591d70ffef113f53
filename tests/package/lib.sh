# shellcheck shell=bash
# Shared by tests/package/*.sh: builds the package from a published tree (./test's out/) once per
# script into PKG_TMP. Settings: SECNET_PUBLISHED (default <repo>/out).
PKG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${SECNET_PUBLISHED:=$PKG_REPO/out}"
PKG_TMP=$(mktemp -d /tmp/secnet-pkgtest.XXXXXX)
pkg_cleanup_hooks=()
pkg_cleanup() { local h; for h in "${pkg_cleanup_hooks[@]}"; do eval "$h" || true; done; rm -rf "$PKG_TMP"; }
trap pkg_cleanup EXIT
step() { echo "-- $*"; }
fail() { echo "FAIL: $*"; exit 1; }
check() { local what=$1; shift; "$@" >"$PKG_TMP/check.out" 2>&1 || { cat "$PKG_TMP/check.out"; fail "$what"; }; }

pkg_build() {
  [ -x "$SECNET_PUBLISHED/secnet" ] || fail "$SECNET_PUBLISHED/secnet missing: run dotnet publish -c Release src/Secnet/Secnet.csproj -o out first"
  step "dist/build-deb --published $SECNET_PUBLISHED"
  "$PKG_REPO/dist/build-deb" --published "$SECNET_PUBLISHED" --output "$PKG_TMP" >"$PKG_TMP/build.log" 2>&1 \
    || { cat "$PKG_TMP/build.log"; fail "dist/build-deb failed"; }
  PKG_DEB=$(tail -n 1 "$PKG_TMP/build.log")
  [ -f "$PKG_DEB" ] || fail "build-deb's last line is not a file: $PKG_DEB"
  PKG_UPSTREAM=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$PKG_REPO/src/Secnet/Secnet.csproj" | head -1)
}
