#!/bin/bash
# daemon-polypath.sh privsep|plain: alpha (ours, background) talks to bravo over polypath with two
# veth links (a0 198.51.100.1, a1 203.0.113.1) and a fake interface monitor the test feeds.
# Packets leave through both links; removing a1 stops its use while the tunnel keeps working.
# "privsep": system/userid nobody, so a privileged helper runs the monitor and passes the bound
# sockets (SO_BINDTODEVICE) to the unprivileged daemon over SCM_RIGHTS (runtime.md §8).
. "$(dirname "$0")/lib.sh"
mode=$1
vpn_setup || fail "namespace setup"
vpn_write_configs || fail "configuration"
ip link add "${VPN_PREFIX}a1" netns "$VPN_NS_A" type veth peer name "${VPN_PREFIX}b1" netns "$VPN_NS_B" || fail "second link"
ip -n "$VPN_NS_A" addr add 203.0.113.1/24 dev "${VPN_PREFIX}a1"
ip -n "$VPN_NS_B" addr add 203.0.113.2/24 dev "${VPN_PREFIX}b1"
ip -n "$VPN_NS_A" link set "${VPN_PREFIX}a1" up; ip -n "$VPN_NS_B" link set "${VPN_PREFIX}b1" up
# Bravo's address is also reachable over a1 (bravo answers ARP for it on b1); only a socket tied
# to a1 uses this route, the plain /24 stays on a0.
ip -n "$VPN_NS_A" route add 198.51.100.2/32 dev "${VPN_PREFIX}a1" metric 50
e2e_fake_monitor alpha
sed -i "/^comm udp {/,/^};/c\\comm polypath { port 16900; buffer sysbuffer(65536); interfaces \"${VPN_PREFIX}a*\"; monitor-command \"$VPN_DIR/alpha.monitor\"; };" "$VPN_DIR/alpha.conf"
sed -i '/^\taddress "198.51.100.2";$/d' "$VPN_DIR/bravo.conf"   # bravo listens on every address
# A multi-link site is what `mobile' is for: bravo sends to, and learns, all of alpha's addresses
# (a non-mobile peer's addresses are fixed at key setup, protocol.md §11).
sed -i '/^\tname "alpha";$/a\	mobile true;' "$VPN_DIR/bravo.conf"
[ "$mode" = privsep ] && e2e_system_key alpha 'userid "nobody";'
echo "+4 ${VPN_PREFIX}a0 198.51.100.1" >>"$VPN_DIR/alpha.monitor.in"
echo "+4 ${VPN_PREFIX}a1 203.0.113.1" >>"$VPN_DIR/alpha.monitor.in"
echo "+4 lo 127.0.0.1" >>"$VPN_DIR/alpha.monitor.in"
e2e_start_bg alpha || fail "alpha: background start exited $?"
vpn_start_one bravo ours; vpn_wait_tun bravo || fail "bravo did not start"
pid=$(cat "$VPN_DIR/alpha.pid")
e2e_wait_log alpha "using ${VPN_PREFIX}a1 \[203\.0\.113\.1\]:16900" 10 || fail "a1 not in use"
e2e_wait_log alpha "using ${VPN_PREFIX}a0 \[198\.51\.100\.1\]:16900" 1 || fail "a0 not in use"
e2e_wait_log alpha "ignoring lo \[127\.0\.0\.1\]: unwanted interface name" 1 || fail "lo not ignored"
mon=$(cat "$VPN_DIR/alpha.monitor.pid")
if [ "$mode" = privsep ]; then
  e2e_wait_log alpha 'spawning socket generator \(privsep interface handler\) \[pid [0-9]+\]' 1 || fail "no privsep notice"
  [ "$(awk '/^Uid:/{print $2 $3}' /proc/"$pid"/status)" = "6553465534" ] || fail "daemon is not running as nobody"
  helper=$(awk '{print $4}' /proc/"$mon"/stat)   # the monitor's parent
  tr '\0' ' ' </proc/"$helper"/cmdline | grep -q -- '--polypath-privsep-helper' || fail "monitor's parent is not the helper"
  [ "$(awk '{print $4}' /proc/"$helper"/stat)" = "$pid" ] || fail "helper is not the daemon's child"
  [ "$(awk '/^Uid:/{print $2}' /proc/"$helper"/status)" = 0 ] || fail "helper is not privileged"
else
  e2e_wait_log alpha 'spawning interface monitor \(no privsep\)' 1 || fail "no monitor notice"
fi

# e2e_udp_out IFACE: alpha's tunnel datagrams leaving through IFACE while pings run
e2e_udp_out() {
  ip netns exec "$VPN_NS_A" timeout 4 tcpdump -Q out -n -i "$1" -c 1000 "udp and src port 16900" 2>/dev/null | grep -c "UDP" >"$VPN_DIR/$1.count" &
  counters="${counters:-} $!"
}
sleep 1
e2e_udp_out "${VPN_PREFIX}a0"; e2e_udp_out "${VPN_PREFIX}a1"; sleep 1
e2e_ping alpha 30 || fail "no tunnel over polypath"
ip netns exec "$VPN_NS_A" ping -c 5 -i 0.2 -W 1 192.0.2.129 >/dev/null || fail "pings lost"
wait $counters; counters=
n0=$(cat "$VPN_DIR/${VPN_PREFIX}a0.count"); n1=$(cat "$VPN_DIR/${VPN_PREFIX}a1.count")
echo "datagrams out: a0 $n0, a1 $n1"
[ "$n0" -gt 0 ] && [ "$n1" -gt 0 ] || fail "packets did not leave through both links (a0 $n0, a1 $n1)"
e2e_transfer 2 || fail "TCP transfer over polypath"

# a1 goes away: the monitor says so, its socket is closed, traffic continues on a0 only
ip -n "$VPN_NS_A" addr del 203.0.113.1/24 dev "${VPN_PREFIX}a1"
echo "-4 ${VPN_PREFIX}a1 203.0.113.1" >>"$VPN_DIR/alpha.monitor.in"
e2e_wait_log alpha "removed ${VPN_PREFIX}a1 \[203\.0\.113\.1\]:16900" 10 || fail "a1 not removed"
e2e_udp_out "${VPN_PREFIX}a0"; e2e_udp_out "${VPN_PREFIX}a1"; sleep 1
ip netns exec "$VPN_NS_A" ping -c 5 -i 0.2 -W 1 192.0.2.129 >/dev/null || fail "tunnel lost after a1 went away"
wait $counters; counters=
n0=$(cat "$VPN_DIR/${VPN_PREFIX}a0.count"); n1=$(cat "$VPN_DIR/${VPN_PREFIX}a1.count")
echo "after removing a1: a0 $n0, a1 $n1"
[ "$n0" -gt 0 ] && [ "$n1" = 0 ] || fail "a1 still used or a0 unused (a0 $n0, a1 $n1)"
e2e_transfer 1 5002 || fail "TCP transfer after a1 went away"

kill -TERM "$pid"; e2e_wait_gone "$pid" 10 || fail "alpha did not stop"
e2e_wait_gone "$mon" 5 || fail "the monitor outlived the daemon"
[ "$mode" = privsep ] && { e2e_wait_gone "$helper" 5 || fail "the helper outlived the daemon"; }
e2e_wait_log bravo 'session closed \(request from peer\)' 5 || fail "bravo did not see alpha's MSG7"
echo "PASS: daemon-polypath $*"
