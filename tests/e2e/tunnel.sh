#!/bin/bash
# tunnel.sh IMPL_A IMPL_B TRANSFORMS_A TRANSFORMS_B INITIATOR [EXPECT_TRANSFORM]
# Two sites, key exchange started by INITIATOR's first packet; ping both ways; 10 MB TCP transfer
# with equal checksums at both ends; optionally checks which transform was negotiated.
. "$(dirname "$0")/lib.sh"
VPN_IMPL_A=$1 VPN_IMPL_B=$2 VPN_TRANSFORM_A=$3 VPN_TRANSFORM_B=$4
initiator=$5 expect=${6:-}
other=bravo; [ "$initiator" = bravo ] && other=alpha
e2e_up
e2e_ping "$initiator" 30 || fail "no answer to $initiator's ping through the tunnel"
e2e_ping "$other" 10 || fail "no answer to $other's ping through the tunnel"
# Issue 14's idle budget for our daemon, keyed and having carried pings: peak RSS at most 12 MB.
# OpenSSL's EVP layer alone would take 2 MB of it (Interop/LibMd.cs), so it must not be loaded.
for side in alpha bravo; do
  impl=$VPN_IMPL_A; [ $side = bravo ] && impl=$VPN_IMPL_B
  [ "$impl" = ours ] || continue
  pid=$(vpn_pid $side)
  hwm=$(awk '/VmHWM/{print $2}' /proc/"$pid"/status)
  echo "$side idle peak RSS ${hwm} kB"
  [ "$hwm" -le 12288 ] || fail "$side's idle peak RSS is ${hwm} kB, over 12 MB"
  ! grep -q 'libssl\.so' /proc/"$pid"/maps || fail "$side loaded libssl (the BCL's OpenSSL hashes or RNG)"
done
e2e_transfer 10 || fail "10 MB transfer"
if [ -n "$expect" ]; then
  for side in alpha bravo; do
    line=$(cat "$VPN_DIR/$side.out" "$VPN_DIR/$side.log" 2>/dev/null | grep -m1 'negotiated transform')
    case $line in *"transform $expect "*) ;; *) fail "$side negotiated '$line', wanted capability $expect" ;; esac
  done
fi
echo "PASS: $*"
