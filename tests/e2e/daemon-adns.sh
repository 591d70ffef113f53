#!/bin/bash
# daemon-adns.sh ours|real: alpha's resolver is adns { config "nameserver 192.0.2.53 / search
# x.example / options ndots:5"; } and bravo's address is the name "bravo.x.example", answered
# only by a test DNS responder on 192.0.2.53 inside alpha's namespace (the system resolver knows
# nothing of it). The tunnel must come up, so the name went to the configured server; the
# questions asked are printed so 0.6.7's and ours can be compared (runtime.md §9). Observed on
# 0.6.7: only "NAME A" and "NAME AAAA" are asked; the search list is never applied (with the bare
# name "bravo" 0.6.7 asks "bravo" and fails with "No such domain").
. "$(dirname "$0")/lib.sh"
impl=$1 server=${2:-named}
# "local": the text names no server, which adns takes to mean this host (127.0.0.1)
dns=192.0.2.53 line='nameserver 192.0.2.53\n'
[ "$server" = local ] && { dns=127.0.0.1; line=; }
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
[ "$server" = local ] || ip -n "$VPN_NS_A" addr add 192.0.2.53/32 dev lo
printf 'bravo.x.example A 198.51.100.2\nbravo.x.example.x.example A 198.51.100.99\n' >"$VPN_DIR/zone"
: >"$VPN_DIR/questions"
ip netns exec "$VPN_NS_A" python3 "$(dirname "$0")/dns-responder.py" "$dns" "$VPN_DIR/zone" "$VPN_DIR/questions" & disown
printf 'resolver adns { config "%bsearch x.example\noptions ndots:5\n"; };\n' "$line" >"$VPN_DIR/resolver.conf"
sed -i -e "/^resolver adns { };/{r $VPN_DIR/resolver.conf" -e 'd}' -e 's|address "\[198.51.100.2\]";|address "bravo.x.example";|' "$VPN_DIR/alpha.conf"
grep -A3 '^resolver' "$VPN_DIR/alpha.conf"
grep -q 'address "bravo.x.example";' "$VPN_DIR/alpha.conf" || fail "site address not replaced"
vpn_start_one alpha "$impl"; vpn_wait_tun alpha || fail "alpha did not start"
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
e2e_ping alpha ${E2E_PING_WAIT:-30}; up=$?
echo "$impl asked:"; sort "$VPN_DIR/questions" | uniq -c
[ "$up" = 0 ] || fail "no tunnel to bravo by name"
grep -q '^bravo.x.example A$' "$VPN_DIR/questions" || fail "bravo.x.example A never asked"
# 0.6.7 asks adns without its search flag: search/ndots are read but no searched name is asked
grep -q 'x.example.x.example' "$VPN_DIR/questions" && fail "a search-list name was asked"
echo "PASS: daemon-adns $*"
