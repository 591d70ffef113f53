#!/bin/bash
# restart.sh IMPL_A IMPL_B SIDE: the tunnel carries traffic, SIDE is killed (SIGKILL: no MSG7) and
# restarted; traffic resumes within setup-timeout x setup-retries (NAK/PROD path), no manual action.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2 side=$3
e2e_up
e2e_ping alpha 30 || fail "no tunnel"
e2e_transfer 2 || fail "transfer before restart"
pid=$(vpn_pid "$side"); kill -KILL "$pid"; sleep 0.5
impl=$VPN_IMPL_A; [ "$side" = bravo ] && impl=$VPN_IMPL_B
mv "$VPN_DIR/$side.out" "$VPN_DIR/$side.out.1"
vpn_start_one "$side" "$impl"; vpn_wait_tun "$side" || fail "restart of $side"
t0=$(date +%s)
# Traffic from the side that kept its key: the restarted side has no key and must NAK; the
# survivor's PROD/key setup must bring the tunnel back with no manual action.
other=alpha; [ "$side" = alpha ] && other=bravo
e2e_ping "$other" 25 || fail "traffic did not resume after restarting $side"
echo "resumed after $(( $(date +%s) - t0 )) s"
e2e_transfer 2 || fail "transfer after restart"
echo "PASS: restart $*"
